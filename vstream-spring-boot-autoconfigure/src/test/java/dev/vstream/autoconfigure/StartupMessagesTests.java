package dev.vstream.autoconfigure;

import dev.vstream.offset.JdbcStreamRunMarker;
import dev.vstream.offset.StreamRunMarker;
import dev.vstream.stream.VStreamContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static dev.vstream.autoconfigure.AutoConfigurationContexts.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * What start-up says about settings it cannot use: each message names the property and
 * what would be valid. Enum values are checked through a real {@code SpringApplication},
 * whose failure analysis is what users read.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupMessagesTests {

	private final ApplicationContextRunner runner = AutoConfigurationContexts.withEmbeddedOffsets();

	@Test
	void anAddressListFailsNamingTheProperty() {
		this.runner.withPropertyValues("vstream.vtgate.address=vtgate-1:15991,vtgate-2:15991")
			.run((context) -> assertThat(failure(context)).contains("vstream.vtgate.address")
				.contains("must be one host:port")
				.contains("a list of vtgates is not supported"));
	}

	@Test
	void aKeyspacePatternFailsNamingTheProperty() {
		this.runner.withPropertyValues("vstream.keyspace=/.*")
			.run((context) -> assertThat(failure(context)).contains("vstream.keyspace")
				.contains("keyspace patterns (/regex) are not supported"));
	}

	@Test
	void requiringASavedPositionWithoutARunMarkerFailsNamingTheProperty() {
		this.runner.withPropertyValues("vstream.offset-store=memory", "vstream.require-saved-position=true")
			.run((context) -> assertThat(failure(context))
				.contains("vstream.require-saved-position=true needs a run marker")
				.contains("vstream.offset-store=memory loses every position by design"));
	}

	@Test
	void theRunMarkerLivesNextToTheEmbeddedOffsetTableAndReachesTheStream() {
		this.runner.withPropertyValues("vstream.require-saved-position=true").run((context) -> {
			assertThat(context).hasSingleBean(JdbcStreamRunMarker.class);
			VStreamContainer container = context.getBean(VStreamContainer.class);
			assertThat(container.getContainerOptions().getRunMarker()).isSameAs(context.getBean(StreamRunMarker.class));
			assertThat(container.getContainerOptions().isRequireSavedPosition()).isTrue();
			assertThat(((JdbcStreamRunMarker) container.getContainerOptions().getRunMarker()).getTableName())
				.isEqualTo("vstream_offset_run");
			assertThat(container.getContainerOptions().getRunMarker().hasRun("default")).isFalse();
		});
	}

	@Test
	void theMemoryStoreHasNoRunMarker() {
		this.runner.withPropertyValues("vstream.offset-store=memory")
			.run((context) -> assertThat(context.getBean(VStreamContainer.class).getContainerOptions().getRunMarker())
				.isNull());
	}

	@Test
	void credentialsWithoutAnSslBundleLogThatThePasswordTravelsInClearText(CapturedOutput output) {
		this.runner
			.withPropertyValues("vstream.auto-startup=false", "vstream.vtgate.username=vstream",
					"vstream.vtgate.password=s3cret-pw")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("WARN")
					.contains("vstream.vtgate.username is set without vstream.vtgate.ssl.bundle: the vtgate password "
							+ "travels in clear text on every call")
					.doesNotContain("s3cret-pw");
			});
	}

	@Test
	void credentialsWithoutAnSslBundleToAVtgateOffLoopbackAreRefusedAtStartUp(CapturedOutput output) {
		this.runner
			.withPropertyValues("vstream.auto-startup=false", "vstream.vtgate.address=vtgate.example.internal:15991",
					"vstream.vtgate.username=vstream", "vstream.vtgate.password=s3cret-pw")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("vstream.vtgate.username is set without vstream.vtgate.ssl.bundle")
					.hasMessageContaining("vtgate.example.internal")
					.hasMessageContaining("vstream.vtgate.allow-plaintext-credentials=true");
				assertThat(output).doesNotContain("s3cret-pw");
			});
	}

	@ParameterizedTest
	@CsvSource({ "vtgate.example.internal:15991,true", "127.0.0.2:15991,false", "[::1]:15991,false",
			"LOCALHOST:15991,false" })
	void plaintextCredentialsAreAcceptedOnLoopbackOrWhenAllowed(String address, boolean allowed,
			CapturedOutput output) {
		this.runner
			.withPropertyValues("vstream.auto-startup=false", "vstream.vtgate.address=" + address,
					"vstream.vtgate.username=vstream", "vstream.vtgate.password=s3cret-pw",
					"vstream.vtgate.allow-plaintext-credentials=" + allowed)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("the vtgate password travels in clear text on every call");
			});
	}

	@Test
	void aStopTimeoutThatOutlastsTheShutdownPhaseOrTheLeaseIsWarnedAbout(CapturedOutput output) {
		this.runner
			.withPropertyValues("vstream.auto-startup=false", "vstream.stop-timeout=20s",
					"spring.lifecycle.timeout-per-shutdown-phase=15s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("vstream.stop-timeout (PT20S) is not below "
						+ "spring.lifecycle.timeout-per-shutdown-phase (PT15S)");
			});
	}

	@Test
	void theDefaultStopTimeoutIsNotWarnedAbout(CapturedOutput output) {
		this.runner.withPropertyValues("vstream.auto-startup=false")
			.run((context) -> assertThat(output).doesNotContain("vstream.stop-timeout ("));
	}

	@Test
	void noCredentialsNoClearTextWarning(CapturedOutput output) {
		this.runner.withPropertyValues("vstream.auto-startup=false")
			.run((context) -> assertThat(output).doesNotContain("clear text"));
	}

	// Spring Boot's failure analysis lists the constants of an enum-typed property: right
	// for start-position, tablet-type, offset-store and scaling.mode, but error.recovery
	// offered DEFAULT, which only listeners may name.
	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "vstream.error.recovery=retry|STOP|DEAD_LETTER",
			"vstream.error.recovery=default|SKIP|DEAD_LETTER" })
	void anInvalidErrorRecoveryListsOnlyTheValidOnes(String property, String valid, String alsoValid,
			CapturedOutput output) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "vstream.keyspace=commerce",
					"vstream.jdbc.embedded-url=jdbc:h2:mem:offsets-enum", property)
			.run());
		String name = property.substring(0, property.indexOf('='));
		String analysis = output.toString().substring(output.toString().lastIndexOf("Property: " + name));
		assertThat(analysis).contains("The following values are valid")
			.contains(valid)
			.contains(alsoValid)
			.doesNotContain("    DEFAULT");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(VStreamAutoConfiguration.class)
	static class App {

	}

}
