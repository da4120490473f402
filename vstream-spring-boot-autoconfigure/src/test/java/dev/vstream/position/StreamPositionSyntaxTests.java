package dev.vstream.position;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VGtid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for what {@link StreamPosition#fromJson(String)} accepts: the positions vtgate
 * sends, and nothing that could not be resumed from, logged or shown safely.
 */
class StreamPositionSyntaxTests {

	@ParameterizedTest
	@ValueSource(strings = { "", "current", "MySQL56/", "MariaDB/", "MariaDB/0-1921027899-54", "MariaDB/0-1-42,1-2-7",
			"MySQL56/3e11fa47-71ca-11e1-9e33-c80aa9429562:1-42:50-60",
			"MySQL56/3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5, 4e11fa47-71ca-11e1-9e33-c80aa9429562:1-7",
			"FilePos/binlog.000042:1234" })
	void acceptsWhatVtgateSends(String gtid) {
		String json = position("customer", "-80", gtid).toJson();
		assertThat(StreamPosition.fromJson(json)).isEqualTo(position("customer", "-80", gtid));
	}

	@ParameterizedTest
	@ValueSource(strings = { "MariaDB/not-a-gtid", "MySQL56/a1", "Oracle/1", "MariaDB/0-1-5\nforged", "42",
			"MySQL56/a1:1-2;drop" })
	void refusesGtidsOfNoKnownForm(String gtid) {
		String json = position("customer", "-80", gtid).toJson();
		assertThatIllegalArgumentException().isThrownBy(() -> StreamPosition.fromJson(json))
			.withMessageContaining("customer/-80")
			.withMessageNotContaining("\n");
	}

	@Test
	void refusesNamesThatAreNotVitessNames() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> StreamPosition.fromJson(position("customer", "../../etc", "current").toJson()))
			.withMessageContaining("shard name '../../etc'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> StreamPosition.fromJson(position("a b", "0", "current").toJson()))
			.withMessageContaining("keyspace name 'a b'");
	}

	@Test
	void refusesMoreShardsThanAnyKeyspaceHas() {
		VGtid.Builder many = VGtid.newBuilder();
		for (int i = 0; i <= PositionSyntax.MAX_SHARDS; i++) {
			many.addShardGtids(ShardGtid.newBuilder().setKeyspace("customer").setShard("s" + i).setGtid("current"));
		}
		String json = StreamPosition.of(many.build()).toJson();
		assertThatIllegalArgumentException().isThrownBy(() -> StreamPosition.fromJson(json))
			.withMessageContaining("more than " + PositionSyntax.MAX_SHARDS);
	}

	@Test
	void acceptsSetsOfThousandsOfEntriesUpToTheLimit() {
		// A pattern repeating a group over the whole set overflowed the stack here.
		for (String gtid : new String[] { "MariaDB/" + "0-1-5, ".repeat(9_000) + "0-1-6",
				"MySQL56/3e11fa47-71ca-11e1-9e33-c80aa9429562" + ":1-2".repeat(15_000),
				"MySQL56/" + "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,".repeat(1_500) + "a1:7" }) {
			String json = position("customer", "-80", gtid).toJson();
			assertThat(StreamPosition.fromJson(json)).isEqualTo(position("customer", "-80", gtid));
			assertThatIllegalArgumentException()
				.isThrownBy(() -> StreamPosition.fromJson(position("customer", "-80", gtid + ",x").toJson()))
				.withMessageContaining("is not 'current'");
		}
	}

	@Test
	void refusesAShardNamedTwice() {
		VGtid twice = VGtid.newBuilder()
			.addShardGtids(ShardGtid.newBuilder().setKeyspace("customer").setShard("-80").setGtid("MariaDB/0-1-5"))
			.addShardGtids(ShardGtid.newBuilder().setKeyspace("customer").setShard("-80").setGtid("MariaDB/0-1-6"))
			.build();
		String json = StreamPosition.of(twice).toJson();
		assertThatIllegalArgumentException().isThrownBy(() -> StreamPosition.fromJson(json))
			.withMessageContaining("names shard customer/-80 more than once");
		assertThatIllegalArgumentException().isThrownBy(() -> StreamPosition.checkReceived(twice, null))
			.withMessageContaining("more than once");
	}

	@Test
	void refusesGtidSetsLongerTogetherThanTheLimitStoredOrReceived() {
		// Each set is under the limit of one set; twenty of them are over the total.
		String gtid = "MariaDB/" + "0-1-5,".repeat(9_000) + "0-1-6";
		VGtid.Builder builder = VGtid.newBuilder();
		for (int i = 0; i < 20; i++) {
			builder.addShardGtids(ShardGtid.newBuilder().setKeyspace("customer").setShard("s" + i).setGtid(gtid));
		}
		VGtid big = builder.build();
		String json = StreamPosition.of(big).toJson();
		assertThatIllegalArgumentException().isThrownBy(() -> StreamPosition.fromJson(json))
			.withMessageContaining("more than " + PositionSyntax.MAX_TOTAL_GTID_LENGTH);
		// Received with the shards of the position before: only sizes are checked.
		assertThatIllegalArgumentException().isThrownBy(() -> StreamPosition.checkReceived(big, big))
			.withMessageContaining("more than " + PositionSyntax.MAX_TOTAL_GTID_LENGTH);
		assertThat(StreamPosition.checkReceived(big.toBuilder().removeShardGtids(19).removeShardGtids(18).build(),
				big.toBuilder().removeShardGtids(19).removeShardGtids(18).build()))
			.as("same shards as before")
			.isFalse();
	}

	private static StreamPosition position(String keyspace, String shard, String gtid) {
		return StreamPosition.of(VGtid.newBuilder()
			.addShardGtids(ShardGtid.newBuilder().setKeyspace(keyspace).setShard(shard).setGtid(gtid))
			.build());
	}

}
