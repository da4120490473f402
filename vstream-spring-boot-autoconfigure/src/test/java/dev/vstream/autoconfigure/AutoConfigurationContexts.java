package dev.vstream.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the tests of {@link VStreamAutoConfiguration} share: the context they start and
 * what a start-up that failed says.
 */
final class AutoConfigurationContexts {

	private AutoConfigurationContexts() {
	}

	/**
	 * @return a runner of {@link VStreamAutoConfiguration} alone, streaming keyspace
	 * {@code commerce}, its offsets in an embedded H2 database of each context's own
	 */
	static ApplicationContextRunner withEmbeddedOffsets() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(VStreamAutoConfiguration.class))
			.withPropertyValues("vstream.jdbc.embedded-url=jdbc:h2:mem:offsets-${random.uuid}",
					"vstream.keyspace=commerce");
	}

	/**
	 * Every message of the start-up failure's cause chain, as Boot's failure analysis
	 * reports them.
	 * @param context a context that must have failed
	 * @return the messages, one a line
	 */
	static String failure(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		StringBuilder messages = new StringBuilder();
		for (Throwable ex = context.getStartupFailure(); ex != null; ex = ex.getCause()) {
			messages.append(ex.getMessage()).append('\n');
		}
		return messages.toString();
	}

}
