package dev.vstream.test;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Starts a {@link TestVtgate} for a test context whose test class (or an enclosing one)
 * is annotated {@link AutoConfigureTestVtgate @AutoConfigureTestVtgate}. Registered in
 * {@code META-INF/spring.factories}, as Spring's test context framework finds such
 * factories.
 */
class TestVtgateContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		return TestContextAnnotationUtils.hasAnnotation(testClass, AutoConfigureTestVtgate.class)
				? new TestVtgateContextCustomizer() : null;
	}

	/**
	 * Every customized context has a vtgate of its own; contexts are otherwise alike, so
	 * the customizers are equal (and the test framework caches such contexts as usual).
	 */
	static final class TestVtgateContextCustomizer implements ContextCustomizer {

		static final String BEAN_NAME = "testVtgate";

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
			TestVtgate vtgate = TestVtgate.start();
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource(BEAN_NAME, Map.of("vstream.vtgate.address", vtgate.address())));
			ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
			beanFactory.registerSingleton(BEAN_NAME, vtgate);
			if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
				// Destroyed after the streams stopped (they stop with the lifecycle
				// phase).
				registry.registerDisposableBean(BEAN_NAME, vtgate::close);
			}
			else {
				context.addApplicationListener((event) -> {
					if (event instanceof ContextClosedEvent) {
						vtgate.close();
					}
				});
			}
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other != null && other.getClass() == getClass();
		}

		@Override
		public int hashCode() {
			return getClass().hashCode();
		}

	}

}
