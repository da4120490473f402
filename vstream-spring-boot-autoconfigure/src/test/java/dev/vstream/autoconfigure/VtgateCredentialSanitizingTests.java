package dev.vstream.autoconfigure;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The vtgate password stays out of /actuator/configprops and /actuator/env, even when
 * they show values, and out of the properties' toString().
 */
class VtgateCredentialSanitizingTests {

	private static final String SECRET = "s3cret-pw-4711";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(VStreamAutoConfiguration.class, VStreamActuatorAutoConfiguration.class))
		.withPropertyValues("vstream.offset-store=memory", "vstream.keyspace=commerce", "vstream.auto-startup=false",
				"vstream.vtgate.username=vstream-user");

	@Test
	void configpropsShowingValuesMasksThePasswordButShowsTheUser() {
		this.runner.withPropertyValues("vstream.vtgate.password=" + SECRET).run((context) -> {
			String json = configprops(context, sanitizers(context));
			assertThat(json).contains("vstream-user").contains("******").doesNotContain(SECRET);
			// Without the starter's sanitizer, Boot would show it: this is what the bean
			// prevents.
			assertThat(configprops(context, List.of())).contains(SECRET);
		});
	}

	@Test
	void passwordFromTheEnvironmentIsMaskedInEnvAndConfigprops() {
		this.runner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("systemEnvironment-test",
						Map.of("VSTREAM_VTGATE_PASSWORD", SECRET))))
			.run((context) -> {
				assertThat(context.getBean(VStreamProperties.class).getVtgate().getPassword()).isEqualTo(SECRET);
				assertThat(configprops(context, sanitizers(context))).doesNotContain(SECRET);
				String env = JsonMapper.shared()
					.writeValueAsString(
							new EnvironmentEndpoint(context.getEnvironment(), sanitizers(context), Show.ALWAYS)
								.environment(null));
				assertThat(env).contains("VSTREAM_VTGATE_PASSWORD").doesNotContain(SECRET);
				assertThat(context.getBean(VStreamProperties.class).getVtgate().toString()).contains("vstream-user")
					.doesNotContain(SECRET);
			});
	}

	@Test
	void aCommandLineCarryingThePasswordIsMaskedInEnv() {
		this.runner.withPropertyValues("vstream.vtgate.password=" + SECRET)
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("systemProperties-test",
						Map.<String, Object>of("sun.java.command", "app.jar --vstream.vtgate.password=" + SECRET,
								"java.version", "17"))))
			.run((context) -> {
				String env = JsonMapper.shared()
					.writeValueAsString(
							new EnvironmentEndpoint(context.getEnvironment(), sanitizers(context), Show.ALWAYS)
								.environment(null));
				assertThat(env).contains("sun.java.command").doesNotContain(SECRET).contains("\"17\"");
			});
	}

	@Test
	void callCredentialsDoNotPrintThePassword() {
		assertThat(new VtgateStaticAuthCredentials("vstream-user", SECRET).toString()).contains("vstream-user")
			.doesNotContain(SECRET);
	}

	private static List<SanitizingFunction> sanitizers(ApplicationContext context) {
		return context.getBeanProvider(SanitizingFunction.class).orderedStream().toList();
	}

	private static String configprops(ApplicationContext context, List<SanitizingFunction> sanitizers) {
		ConfigurationPropertiesReportEndpoint endpoint = new ConfigurationPropertiesReportEndpoint(sanitizers,
				Show.ALWAYS);
		endpoint.setApplicationContext(context);
		return JsonMapper.shared().writeValueAsString(endpoint.configurationPropertiesWithPrefix("vstream"));
	}

}
