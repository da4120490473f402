package dev.vstream.stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The containment vttablet requires of a start position ({@code AtLeast}), for MariaDB
 * and MySQL GTID sets.
 */
class GtidSetTests {

	private static final String UUID_A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

	private static final String UUID_B = "a1b2c3d4-0000-11f0-8000-0242ac110002";

	@Test
	void mariaDbComparesSequenceNumbersPerDomainAndIgnoresTheServerId() {
		GtidSet server = GtidSet.parse("MariaDB/0-351467626-58");
		assertThat(server.contains(GtidSet.parse("MariaDB/0-351467626-58"))).isTrue();
		assertThat(server.contains(GtidSet.parse("MariaDB/0-351467626-12"))).isTrue();
		// a failover to another server id keeps the domain's numbering
		assertThat(server.contains(GtidSet.parse("MariaDB/0-7-58"))).isTrue();
		assertThat(server.contains(GtidSet.parse("MariaDB/0-351467626-59"))).isFalse();
		assertThat(server.contains(GtidSet.parse("MariaDB/0-351467626-1000058"))).isFalse();
	}

	@Test
	void mariaDbMultiDomainNeedsEveryRequestedDomain() {
		GtidSet server = GtidSet.parse("MariaDB/0-1-100,1-2-50");
		assertThat(server.contains(GtidSet.parse("MariaDB/0-1-100,1-2-50"))).isTrue();
		assertThat(server.contains(GtidSet.parse("MariaDB/1-2-49,0-1-7"))).isTrue();
		assertThat(server.contains(GtidSet.parse("MariaDB/0-1-90"))).isTrue();
		assertThat(server.contains(GtidSet.parse("MariaDB/0-1-90,1-2-51"))).isFalse();
		assertThat(server.contains(GtidSet.parse("MariaDB/0-1-90,2-3-1"))).isFalse();
		// the server shows its set without the prefix, with a space after commas on some
		// versions
		assertThat(GtidSet.parse(GtidSet.MARIADB, "0-1-100, 1-2-50").contains(GtidSet.parse("MariaDB/1-2-50")))
			.isTrue();
		// a fresh server: nothing is contained
		assertThat(GtidSet.parse(GtidSet.MARIADB, "").contains(GtidSet.parse("MariaDB/0-1-1"))).isFalse();
	}

	@Test
	void mySqlNeedsEveryIntervalOfEverySource() {
		GtidSet server = GtidSet.parse(GtidSet.MYSQL56, UUID_A + ":1-100:200-300,\n" + UUID_B.toUpperCase() + ":1-5");
		assertThat(server.contains(GtidSet.parse("MySQL56/" + UUID_A + ":1-100"))).isTrue();
		assertThat(server.contains(GtidSet.parse("MySQL56/" + UUID_A + ":5-50:210-220," + UUID_B + ":3"))).isTrue();
		assertThat(server.contains(GtidSet.parse("MySQL56/" + UUID_A + ":1-101"))).isFalse();
		// a hole in the server's history (purged or never executed) is not contained
		assertThat(server.contains(GtidSet.parse("MySQL56/" + UUID_A + ":150"))).isFalse();
		assertThat(server.contains(GtidSet.parse("MySQL56/" + UUID_B + ":1-6"))).isFalse();
		// another cluster's uuid
		assertThat(server.contains(GtidSet.parse("MySQL56/" + UUID_A + ":1-10,0bad0000-0000-0000-0000-000000000000:1")))
			.isFalse();
	}

	@Test
	void mySqlAdjacentIntervalsJoin() {
		GtidSet server = GtidSet.parse("MySQL56/" + UUID_A + ":1-5:6-9:10");
		assertThat(server.contains(GtidSet.parse("MySQL56/" + UUID_A + ":1-10"))).isTrue();
		assertThat(GtidSet.parse("MySQL56/" + UUID_A + ":1-10")).isEqualTo(server);
		assertThat(GtidSet.parse("MySQL56/" + UUID_A + ":1-9").contains(server)).isFalse();
	}

	@Test
	void flavorsNeverContainEachOther() {
		assertThat(GtidSet.parse("MariaDB/0-1-5").contains(GtidSet.parse("MySQL56/" + UUID_A + ":1-5"))).isFalse();
		assertThat(GtidSet.parse("MySQL56/" + UUID_A + ":1-5").contains(GtidSet.parse("MariaDB/0-1-5"))).isFalse();
	}

	@Test
	void otherFlavorsAreNotParsedAndMalformedSetsAreRefused() {
		assertThat(GtidSet.parse("FilePos/mysql-bin.000003:1234")).isNull();
		assertThat(GtidSet.parse("current")).isNull();
		assertThatIllegalArgumentException().isThrownBy(() -> GtidSet.parse("MariaDB/0-1"))
			.withMessageContaining("0-1");
		assertThatIllegalArgumentException().isThrownBy(() -> GtidSet.parse("MySQL56/" + UUID_A + ":9-3"));
		assertThatIllegalArgumentException().isThrownBy(() -> GtidSet.parse("MySQL56/" + UUID_A + ":x"));
	}

	@Test
	void printsAsVtgateWritesIt() {
		assertThat(GtidSet.parse(GtidSet.MARIADB, "0-351467626-58")).hasToString("MariaDB/0-351467626-58");
	}

}
