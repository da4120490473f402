package dev.vstream.autoconfigure;

import java.util.Map;

import dev.vstream.stream.DefaultVStreamContainer;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers a stream container bean, {@code vstreamContainer-<id>}, for each stream
 * configured under {@code vstream.streams.<id>}, built by the
 * {@link VStreamContainerFactory} as the default stream is. Being beans, they start and
 * stop with the context and are found wherever streams are (registry, endpoint, health,
 * meters). They are fallback beans: an injection point of one {@code VStreamContainer}
 * still gets the default stream. As with conditions, the streams are those configured
 * when the bean definitions are made: at build time for an AOT-processed application.
 */
final class NamedStreamsRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware {

	/** The bean name of a named stream's container is this prefix and its id. */
	static final String BEAN_NAME_PREFIX = "vstreamContainer-";

	private Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		// Only the ids are read here: the values are bound and validated with
		// VStreamProperties when a container is created.
		Map<String, Object> streams = Binder.get(this.environment)
			.bind("vstream.streams", Bindable.mapOf(String.class, Object.class))
			.orElse(Map.of());
		for (String id : streams.keySet()) {
			// A factory method rather than an instance supplier: AOT can generate it.
			RootBeanDefinition definition = new RootBeanDefinition();
			definition.setTargetType(DefaultVStreamContainer.class);
			definition.setFactoryBeanName("vstreamContainerFactory");
			definition.setFactoryMethodName("createNamed");
			definition.getConstructorArgumentValues().addIndexedArgumentValue(0, id);
			definition.setFallback(true);
			registry.registerBeanDefinition(BEAN_NAME_PREFIX + id, definition);
		}
	}

}
