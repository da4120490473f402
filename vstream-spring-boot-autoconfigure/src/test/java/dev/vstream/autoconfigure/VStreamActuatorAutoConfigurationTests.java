package dev.vstream.autoconfigure;

import dev.vstream.actuate.VStreamEndpoint;
import dev.vstream.actuate.VStreamHealthContributor;
import dev.vstream.actuate.VStreamWebEndpointExtension;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class VStreamActuatorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(VStreamAutoConfiguration.class, VStreamActuatorAutoConfiguration.class))
		.withPropertyValues("vstream.offset-store=memory", "vstream.keyspace=commerce");

	@Test
	void healthContributorPerStreamAndEndpointWhenExposed() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=vstream",
					"vstream.health.reconnect-timeout=5s")
			.run((context) -> {
				assertThat(context).hasSingleBean(VStreamHealthContributor.class)
					.hasSingleBean(VStreamEndpoint.class)
					.hasSingleBean(VStreamWebEndpointExtension.class);
				VStreamHealthContributor health = context.getBean(VStreamHealthContributor.class);
				assertThat(health.getContributor("default")).isInstanceOf(HealthIndicator.class);
				assertThat(context.getBean(VStreamEndpoint.class).streams().streams()).singleElement()
					.satisfies((stream) -> assertThat(stream.id()).isEqualTo("default"));
			});
	}

	@Test
	void endpointNotCreatedWhenNotExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(VStreamEndpoint.class)
			.hasSingleBean(VStreamHealthContributor.class));
	}

	@Test
	void healthContributorCanBeDisabled() {
		this.runner.withPropertyValues("management.health.vstream.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(VStreamHealthContributor.class));
	}

	@Test
	void nothingWhenStreamingIsDisabled() {
		this.runner.withPropertyValues("vstream.enabled=false", "management.endpoints.web.exposure.include=vstream")
			.run((context) -> assertThat(context).doesNotHaveBean(VStreamHealthContributor.class)
				.doesNotHaveBean(VStreamEndpoint.class));
	}

}
