package dev.vstream.position;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.TableLastPK;
import binlogdata.Binlogdata.VGtid;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Text from outside cannot forge a log line: control characters are escaped, length is
 * capped, ordinary text is returned as it is.
 */
class LogSafeTextTests {

	@Test
	void controlCharactersAreEscaped() {
		assertThat(LogSafeText.of("0-1-5\n2026-12-02 ERROR FORGED\r\u0007", 100))
			.isEqualTo("0-1-5\\u000a2026-12-02 ERROR FORGED\\u000d\\u0007");
	}

	@Test
	void longTextIsCappedAndMarked() {
		assertThat(LogSafeText.of("x".repeat(50), 10)).isEqualTo("x".repeat(10) + "...");
		assertThat(LogSafeText.of("x".repeat(10), 10)).isEqualTo("x".repeat(10));
		assertThat(LogSafeText.of(null, 10)).isEqualTo("null");
	}

	@Test
	void aPositionPrintsItsGtidSetsEscaped() {
		// A GTID set from vtgate is only checked for its size while the shards stay the
		// same, and positions are printed in many log lines.
		StreamPosition position = StreamPosition.of(VGtid.newBuilder()
			.addShardGtids(ShardGtid.newBuilder()
				.setKeyspace("commerce")
				.setShard("0")
				.setGtid("MariaDB/0-1-5\nERROR FORGED password=hunter2"))
			.build());

		assertThat(position.toString()).doesNotContain("\n")
			.isEqualTo("commerce:0@MariaDB/0-1-5\\u000aERROR FORGED password=hunter2");
	}

	@Test
	void aPositionPrintsNamesAndCopiedTablesEscapedToo() {
		// Positions made from a reshard journal are not checked before they are logged.
		StreamPosition position = StreamPosition.of(VGtid.newBuilder()
			.addShardGtids(ShardGtid.newBuilder()
				.setKeyspace("commerce\nERROR FORGED")
				.setShard("-80\r")
				.setGtid("")
				.addTablePKs(TableLastPK.newBuilder().setTableName("corder\nERROR FORGED")))
			.build());

		assertThat(position.toString()).doesNotContain("\n")
			.doesNotContain("\r")
			.isEqualTo("commerce\\u000aERROR FORGED:-80\\u000d@ copying [corder\\u000aERROR FORGED]");
	}

}
