package dev.vstream.annotation;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import dev.vstream.listener.BatchPolicy;
import dev.vstream.listener.DdlEvent;
import dev.vstream.listener.DdlListenerEndpoint;
import dev.vstream.listener.ListenerExecutionFailedException;
import dev.vstream.listener.ListenerMethodAdapter;
import dev.vstream.listener.Operation;
import dev.vstream.listener.RowCondition;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.listener.VStreamListenerEndpointRegistry;
import dev.vstream.mapping.RowMapperFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.format.datetime.standard.DurationFormatterUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * Finds {@link VStreamListener} and {@link VStreamDdlListener} methods on every bean and
 * registers them as endpoints in the {@link VStreamListenerEndpointRegistry}.
 * Placeholders in the annotation's attributes are resolved; a method that cannot be
 * served fails the bean's creation, naming the method.
 */
public class VStreamListenerAnnotationBeanPostProcessor implements BeanPostProcessor, BeanFactoryAware {

	private final Supplier<VStreamListenerEndpointRegistry> registry;

	private final Supplier<RowMapperFactory> mapperFactory;

	private @Nullable ConfigurableBeanFactory beanFactory;

	/**
	 * Create the post-processor.
	 * @param registry where endpoints are registered, looked up on first use so that a
	 * post-processor does not force early creation of the beans it needs
	 * @param mapperFactory maps rows to the listeners' types, looked up on first use
	 */
	public VStreamListenerAnnotationBeanPostProcessor(Supplier<VStreamListenerEndpointRegistry> registry,
			Supplier<RowMapperFactory> mapperFactory) {
		this.registry = registry;
		this.mapperFactory = mapperFactory;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		if (beanFactory instanceof ConfigurableBeanFactory configurable) {
			this.beanFactory = configurable;
		}
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		Map<Method, VStreamListener> annotated = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<VStreamListener>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, VStreamListener.class));
		if (!annotated.isEmpty()) {
			annotated.forEach((method, annotation) -> register(bean, beanName, method, annotation));
		}
		Map<Method, VStreamDdlListener> ddl = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<VStreamDdlListener>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, VStreamDdlListener.class));
		ddl.forEach((method, annotation) -> registerDdl(bean, beanName, method, annotation));
		return bean;
	}

	private void registerDdl(Object bean, String beanName, Method method, VStreamDdlListener annotation) {
		if (method.getParameterCount() != 1 || method.getParameterTypes()[0] != DdlEvent.class) {
			throw new IllegalStateException("@VStreamDdlListener method " + method
					+ " must take exactly one parameter of type " + DdlEvent.class.getName());
		}
		Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		ReflectionUtils.makeAccessible(invocable);
		String id = resolve(annotation.id());
		if (!StringUtils.hasText(id)) {
			id = beanName + "." + method.getName();
		}
		String description = method.getDeclaringClass().getName() + "." + method.getName();
		this.registry.get().registerDdlListener(new DdlListenerEndpoint(id, resolve(annotation.keyspace()), (event) -> {
			try {
				invocable.invoke(bean, event);
			}
			catch (InvocationTargetException ex) {
				throw new ListenerExecutionFailedException(
						"DDL listener " + description + " failed on '" + event.statement() + "'",
						ex.getTargetException());
			}
			catch (IllegalAccessException ex) {
				throw new IllegalStateException(ex);
			}
		}));
	}

	private void register(Object bean, String beanName, Method method, VStreamListener annotation) {
		Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		String table = resolve(annotation.table());
		if (!StringUtils.hasText(table)) {
			throw new IllegalStateException("@VStreamListener method " + method + " has no table");
		}
		String id = resolve(annotation.id());
		if (!StringUtils.hasText(id)) {
			id = beanName + "." + method.getName();
		}
		String autoStartup = resolve(annotation.autoStartup());
		boolean start = true;
		if (StringUtils.hasText(autoStartup)) {
			if (!List.of("true", "false").contains(autoStartup.trim().toLowerCase())) {
				throw new IllegalStateException("@VStreamListener method " + method + " has autoStartup '" + autoStartup
						+ "'; expected true or false");
			}
			start = Boolean.parseBoolean(autoStartup.trim());
		}
		Set<Operation> ops = (annotation.ops().length == 0) ? EnumSet.noneOf(Operation.class)
				: EnumSet.copyOf(List.of(annotation.ops()));
		ListenerMethodAdapter adapter = new ListenerMethodAdapter(bean, invocable, this.mapperFactory.get());
		VStreamListenerEndpoint endpoint = new VStreamListenerEndpoint(id, resolve(annotation.keyspace()), table, ops,
				start, adapter);
		endpoint.setErrorRecovery(annotation.errorRecovery());
		endpoint.setStream(resolve(annotation.stream()).trim());
		String where = resolve(annotation.where());
		if (StringUtils.hasText(where)) {
			try {
				endpoint.setWhere(RowCondition.parse(where));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException(
						"@VStreamListener method " + method + " (listener '" + id + "'): " + ex.getMessage(), ex);
			}
		}
		List<String> columns = new ArrayList<>();
		for (String column : annotation.columns()) {
			String name = resolve(column).trim();
			if (name.isEmpty()) {
				throw new IllegalStateException(
						"@VStreamListener method " + method + " (listener '" + id + "') names an empty column");
			}
			columns.add(name);
		}
		endpoint.setColumns(columns);
		endpoint.setBatchPolicy(batchPolicy(method, annotation));
		this.registry.get().register(endpoint);
	}

	private @Nullable BatchPolicy batchPolicy(Method method, VStreamListener annotation) {
		String size = resolve(annotation.batchSize()).trim();
		String interval = resolve(annotation.batchInterval()).trim();
		Integer maxSize = null;
		Duration maxInterval = null;
		try {
			if (!size.isEmpty()) {
				maxSize = Integer.valueOf(size);
			}
			if (!interval.isEmpty()) {
				maxInterval = DurationFormatterUtils.detectAndParse(interval);
			}
			return BatchPolicy.of(maxSize, maxInterval);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("@VStreamListener method " + method + " has batchSize '" + size
					+ "' and batchInterval '" + interval + "': " + ex.getMessage()
					+ "; expected a positive number of changes and a positive duration such as 2s", ex);
		}
	}

	private String resolve(String value) {
		if (this.beanFactory == null || !StringUtils.hasText(value)) {
			return value;
		}
		String resolved = this.beanFactory.resolveEmbeddedValue(value);
		return (resolved != null) ? resolved : value;
	}

}
