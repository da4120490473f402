package dev.vstream.autoconfigure;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EmbeddedOffsetDatabase}'s URL: the settings the stream's guarantees need are
 * added unless the configured URL names them.
 */
class EmbeddedOffsetDatabaseTests {

	@Test
	void defaultUrlGetsCloseOnExitOffAndNoWriteDelay() {
		assertThat(EmbeddedOffsetDatabase.durable("jdbc:h2:file:./.vstream/offsets"))
			.isEqualTo("jdbc:h2:file:./.vstream/offsets;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
	}

	@Test
	void settingsOfTheUrlAreKept() {
		assertThat(EmbeddedOffsetDatabase.durable("jdbc:h2:file:/data/offsets;write_delay=100;DB_CLOSE_ON_EXIT=TRUE"))
			.isEqualTo("jdbc:h2:file:/data/offsets;write_delay=100;DB_CLOSE_ON_EXIT=TRUE");
		assertThat(EmbeddedOffsetDatabase.durable("jdbc:h2:file:/data/offsets;DB_CLOSE_ON_EXIT=FALSE"))
			.isEqualTo("jdbc:h2:file:/data/offsets;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
		assertThat(EmbeddedOffsetDatabase.durable("jdbc:h2:file:/data/offsets;"))
			.isEqualTo("jdbc:h2:file:/data/offsets;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
	}

}
