package dev.vstream.position;

import java.util.List;

import binlogdata.Binlogdata.KeyspaceShard;
import binlogdata.Binlogdata.ShardGtid;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link ShardKey} writes and reads back {@code keyspace/shard} and the ids of
 * single-shard streams, whatever the shard name looks like.
 */
class ShardKeyTests {

	@Test
	void writesAndParsesKeyspaceSlashShard() {
		for (String shard : List.of("-80", "80-", "40-80", "0", "-")) {
			ShardKey key = new ShardKey("customer", shard);
			assertThat(key).hasToString("customer/" + shard);
			assertThat(ShardKey.parse(key.toString())).isEqualTo(key);
		}
	}

	@Test
	void writesAndParsesShardStreamIds() {
		ShardKey key = new ShardKey("customer", "-80");
		assertThat(key.shardStreamId("orders")).isEqualTo("orders@customer/-80");
		assertThat(ShardKey.ofShardStreamId("orders@customer/-80")).isEqualTo(key);
	}

	@Test
	void readsTheShardOfProtocolMessagesAndPositions() {
		ShardKey key = new ShardKey("customer", "80-");
		assertThat(ShardKey.of(ShardGtid.newBuilder().setKeyspace("customer").setShard("80-").build())).isEqualTo(key);
		assertThat(ShardKey.of(KeyspaceShard.newBuilder().setKeyspace("customer").setShard("80-").build()))
			.isEqualTo(key);
		assertThat(ShardKey.of(new ShardPosition("customer", "80-", "MariaDB/0-1-1", List.of()))).isEqualTo(key);
	}

	@Test
	void refusesTextOfAnotherForm() {
		assertThatIllegalArgumentException().isThrownBy(() -> ShardKey.parse("customer"))
			.withMessageContaining("'customer'")
			.withMessageContaining("keyspace/shard");
		assertThatIllegalArgumentException().isThrownBy(() -> ShardKey.ofShardStreamId("orders"))
			.withMessageContaining("streamId@keyspace/shard");
	}

}
