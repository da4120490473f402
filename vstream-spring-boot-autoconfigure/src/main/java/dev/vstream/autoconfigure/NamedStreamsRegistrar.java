package dev.vstream.autoconfigure;

import java.util.Map;

import dev.vstream.scaling.ActiveStandbyCoordinator;
import dev.vstream.scaling.ScalingMode;
import dev.vstream.scaling.ShardDistributedCoordinator;
import dev.vstream.stream.DefaultVStreamContainer;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.config.RuntimeBeanReference;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Registers a stream container bean, {@code vstreamContainer-<id>}, for each stream
 * configured under {@code vstream.streams.<id>}, built by the
 * {@link VStreamContainerFactory} as the default stream is, and for a stream whose
 * scaling mode is not {@code single} its coordinator,
 * {@code vstreamScalingCoordinator-<id>}, built by the {@link ScalingCoordinatorFactory}
 * as the default stream's is. Being beans, they start and stop with the context and are
 * found wherever streams are (registry, endpoint, health, meters). They are fallback
 * beans: an injection point of one {@code VStreamContainer} (or one coordinator type)
 * still gets the default stream's. As with conditions, the streams are those configured
 * when the bean definitions are made: at build time for an AOT-processed application.
 */
final class NamedStreamsRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanClassLoaderAware {

	/** The bean name of a named stream's container is this prefix and its id. */
	static final String BEAN_NAME_PREFIX = "vstreamContainer-";

	/** The bean name of a named stream's coordinator is this prefix and its id. */
	static final String COORDINATOR_BEAN_NAME_PREFIX = "vstreamScalingCoordinator-";

	private static final String LOCK_REGISTRY = "org.springframework.integration.support.locks.LockRegistry";

	private Environment environment;

	private @Nullable ClassLoader classLoader;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanClassLoader(ClassLoader classLoader) {
		this.classLoader = classLoader;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		// Only the ids and modes are read here: the values are bound and validated with
		// VStreamProperties when a container is created.
		Binder binder = Binder.get(this.environment);
		for (String id : ScalingModes.namedStreamIds(binder)) {
			rejectSharedScalingSettings(binder, id);
			// A factory method rather than an instance supplier: AOT can generate it.
			RootBeanDefinition definition = new RootBeanDefinition();
			definition.setTargetType(DefaultVStreamContainer.class);
			definition.setFactoryBeanName("vstreamContainerFactory");
			definition.setFactoryMethodName("createNamed");
			definition.getConstructorArgumentValues().addIndexedArgumentValue(0, id);
			definition.setFallback(true);
			registry.registerBeanDefinition(BEAN_NAME_PREFIX + id, definition);
			ScalingMode mode = ScalingModes.modeOf(binder, id);
			// Without Spring Integration, VStreamScalingConfigurations.MissingIntegration
			// fails start-up naming the mode.
			if (mode != ScalingMode.SINGLE && ClassUtils.isPresent(LOCK_REGISTRY, this.classLoader)) {
				registry.registerBeanDefinition(COORDINATOR_BEAN_NAME_PREFIX + id, coordinator(id, mode));
			}
		}
	}

	private static RootBeanDefinition coordinator(String id, ScalingMode mode) {
		RootBeanDefinition definition = new RootBeanDefinition();
		boolean activeStandby = mode == ScalingMode.ACTIVE_STANDBY;
		definition.setTargetType(coordinatorType(activeStandby));
		definition.setFactoryBeanName("vstreamScalingCoordinatorFactory");
		definition.setFactoryMethodName(activeStandby ? "namedActiveStandby" : "namedShardDistributed");
		definition.getConstructorArgumentValues().addIndexedArgumentValue(0, id);
		definition.getConstructorArgumentValues()
			.addIndexedArgumentValue(1, new RuntimeBeanReference(BEAN_NAME_PREFIX + id));
		definition.setFallback(true);
		return definition;
	}

	// Apart, so that the coordinator classes (which need Spring Integration) are only
	// loaded when it is present.
	private static Class<?> coordinatorType(boolean activeStandby) {
		return activeStandby ? ActiveStandbyCoordinator.class : ShardDistributedCoordinator.class;
	}

	/**
	 * Only the mode is a named stream's own: the lock store's settings are the lock
	 * registry's, one for every stream. Binding would ignore them silently.
	 */
	private static void rejectSharedScalingSettings(Binder binder, String id) {
		Map<String, Object> scaling = binder
			.bind("vstream.streams." + id + ".scaling", Bindable.mapOf(String.class, Object.class))
			.orElse(Map.of());
		for (String key : scaling.keySet()) {
			if (!key.equals("mode")) {
				throw new IllegalStateException("vstream.streams." + id + ".scaling." + key
						+ " is not a setting of a named stream: only vstream.streams." + id
						+ ".scaling.mode is; the lock store and its settings (vstream.scaling.lease, check-interval, "
						+ "max-shards-per-instance, instance-id, jdbc.*, redis.*) are shared by every stream. Set "
						+ "vstream.scaling." + key + " instead");
			}
		}
	}

}
