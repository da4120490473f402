package dev.vstream.autoconfigure;

import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EmbeddedOffsetDatabase}'s URL: the settings the stream's guarantees
 * need are added unless the configured URL names them.
 */
@ExtendWith(OutputCaptureExtension.class)
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

	@Test
	void startUpSaysWhereTheFileIs(@TempDir Path dir, CapturedOutput output) throws Exception {
		EmbeddedOffsetDatabase database = new EmbeddedOffsetDatabase("jdbc:h2:file:" + dir + "/offsets");
		try {
			database.getDataSource();
			database.getDataSource();
		}
		finally {
			database.destroy();
		}
		String path = dir.toRealPath().resolve("offsets").toString();
		assertThat(output.getOut()).containsOnlyOnce(
				"Stream positions are kept in the embedded H2 database " + path + " (file " + path + ".mv.db)");
	}

	@Test
	void anInMemoryUrlIsAWarning(CapturedOutput output) {
		EmbeddedOffsetDatabase database = new EmbeddedOffsetDatabase("jdbc:h2:mem:" + UUID.randomUUID());
		try {
			database.getDataSource();
		}
		finally {
			database.destroy();
		}
		assertThat(output.getOut()).contains("Stream positions are kept in an in-memory H2 database")
			.contains("they are lost when the application stops");
	}

}
