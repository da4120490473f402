package dev.vstream.autoconfigure;

import dev.vstream.metrics.MicrometerVStreamMonitor;
import dev.vstream.metrics.VStreamListenerMeterObservationHandler;
import dev.vstream.metrics.VStreamListenerObservationConvention;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamMonitor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler.IgnoredMeters;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * Micrometer meters of each stream, when the application has a {@link MeterRegistry},
 * and, with {@code vstream.observation.enabled} and an {@link ObservationRegistry}, an
 * observation around each listener call (whose timer then replaces
 * {@link MicrometerVStreamMonitor#CHANGES_DISPATCHED}): a
 * {@link MicrometerVStreamMonitor} that the stream containers report to, and the
 * {@link VStreamListenerMeterObservationHandler} that records that observation's meters
 * with Spring Boot's metrics.
 */
@AutoConfiguration(after = VStreamAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
		"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnClass({ MeterRegistry.class, ObservationRegistry.class })
@ConditionalOnBean(VStreamContainer.class)
@Conditional(VStreamMetricsAutoConfiguration.OnRegistry.class)
public final class VStreamMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	VStreamMonitor vstreamMonitor(VStreamProperties properties, ObjectProvider<MeterRegistry> meterRegistry,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<VStreamListenerObservationConvention> convention) {
		// Opt-in, like spring-kafka's: with Boot's meter handler the observation times
		// each call too, and a call is timed once.
		ObservationRegistry observations = properties.getObservation().isEnabled() ? observationRegistry.getIfUnique()
				: null;
		return new MicrometerVStreamMonitor(meterRegistry.getIfUnique(), observations, convention.getIfUnique());
	}

	/**
	 * The meters of the listener observation, where Boot's meter observation handler
	 * would record them: by a handler of the listener observation only, which Boot's
	 * group of meter observation handlers asks first (the default one records the same
	 * meters at several times the cost per call).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsProperties")
	@ConditionalOnBooleanProperty("vstream.observation.enabled")
	@ConditionalOnBean({ MeterRegistry.class, ObservationRegistry.class, DefaultMeterObservationHandler.class })
	static final class ListenerObservationMeters {

		@Bean
		@ConditionalOnMissingBean
		@Order(0)
		VStreamListenerMeterObservationHandler vstreamListenerMeterObservationHandler(MeterRegistry meterRegistry,
				ObjectProvider<MetricsProperties> metricsProperties) {
			// The meters of Boot's handler:
			// management.metrics.observations.ignored-meters
			// applies.
			MetricsProperties properties = metricsProperties.getIfAvailable(MetricsProperties::new);
			return new VStreamListenerMeterObservationHandler(meterRegistry,
					properties.getObservations().getIgnoredMeters().toArray(IgnoredMeters[]::new));
		}

	}

	static final class OnRegistry extends AnyNestedCondition {

		OnRegistry() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnBean(MeterRegistry.class)
		static final class Meters {

		}

		@ConditionalOnBean(ObservationRegistry.class)
		@ConditionalOnBooleanProperty("vstream.observation.enabled")
		static final class Observations {

		}

	}

}
