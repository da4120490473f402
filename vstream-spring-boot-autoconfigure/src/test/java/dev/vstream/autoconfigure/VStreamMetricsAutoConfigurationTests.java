package dev.vstream.autoconfigure;

import dev.vstream.metrics.DefaultVStreamListenerObservationConvention;
import dev.vstream.metrics.MicrometerVStreamMonitor;
import dev.vstream.metrics.VStreamListenerObservationConvention;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamContainerRegistry;
import dev.vstream.stream.VStreamMonitor;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class VStreamMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(VStreamAutoConfiguration.class, VStreamMetricsAutoConfiguration.class))
		.withPropertyValues("vstream.offset-store=memory", "vstream.keyspace=commerce");

	@Test
	void monitorIsSetOnTheContainerWhenTheApplicationHasAMeterRegistry() {
		this.runner
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, ObservationAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(MeterRegistry.class).hasSingleBean(MicrometerVStreamMonitor.class);
				assertThat(context.getBean(VStreamContainer.class).getMonitor())
					.isSameAs(context.getBean(VStreamMonitor.class));
			});
	}

	@Test
	void observationsOnlyWhenEnabledAndTheApplicationHasOnlyAnObservationRegistry() {
		this.runner.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class))
			.withPropertyValues("vstream.observation.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(MeterRegistry.class)
				.hasSingleBean(MicrometerVStreamMonitor.class));
	}

	@Test
	void noMonitorForAnObservationRegistryAloneWhenObservationIsNotEnabled() {
		this.runner.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(VStreamMonitor.class));
	}

	@Test
	void noMonitorWithoutRegistries() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(VStreamMonitor.class);
			assertThat(context.getBean(VStreamContainer.class).getMonitor()).isSameAs(VStreamMonitor.NONE);
		});
	}

	@Test
	void aMonitorOfTheApplicationWins() {
		VStreamMonitor own = new VStreamMonitor() {
		};
		this.runner.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class))
			.withPropertyValues("vstream.observation.enabled=true")
			.withBean(VStreamMonitor.class, () -> own)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(MicrometerVStreamMonitor.class);
				assertThat(context.getBean(VStreamContainer.class).getMonitor()).isSameAs(own);
			});
	}

	@Test
	void aConventionBeanIsUsed() {
		this.runner.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class))
			.withPropertyValues("vstream.observation.enabled=true")
			.withBean(VStreamListenerObservationConvention.class, DefaultVStreamListenerObservationConvention::new)
			.run((context) -> assertThat(context).hasSingleBean(MicrometerVStreamMonitor.class)
				.hasSingleBean(VStreamListenerObservationConvention.class));
	}

	@Test
	void containerRegistryFindsTheStreamById() {
		this.runner.withPropertyValues("vstream.id=orders").run((context) -> {
			VStreamContainerRegistry registry = context.getBean(VStreamContainerRegistry.class);
			assertThat(registry.getContainerIds()).containsExactly("orders");
			assertThat(registry.getRequiredContainer("orders")).isSameAs(context.getBean(VStreamContainer.class));
			assertThat(registry.getContainer("customers")).isNull();
		});
	}

}
