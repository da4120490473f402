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

	private static StreamPosition position(String keyspace, String shard, String gtid) {
		return StreamPosition.of(VGtid.newBuilder()
			.addShardGtids(ShardGtid.newBuilder().setKeyspace(keyspace).setShard(shard).setGtid(gtid))
			.build());
	}

}
