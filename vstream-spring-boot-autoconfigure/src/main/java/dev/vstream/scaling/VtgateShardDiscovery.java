package dev.vstream.scaling;

import java.util.ArrayList;
import java.util.List;

import dev.vstream.position.ShardKey;
import dev.vstream.stream.VtgateQueries;
import io.grpc.Channel;

/**
 * Asks vtgate for the serving shards with {@code SHOW VITESS_SHARDS} over its gRPC
 * {@code Execute} call (rows such as {@code customer/-80}), on the channel the streams
 * use.
 */
public class VtgateShardDiscovery implements ShardDiscovery {

	private final Channel channel;

	/**
	 * Create a discovery.
	 * @param channel the channel to vtgate
	 */
	public VtgateShardDiscovery(Channel channel) {
		this.channel = channel;
	}

	@Override
	public List<String> shards(String keyspace) {
		List<String> rows;
		try {
			rows = VtgateQueries.firstColumn(this.channel, keyspace, "show vitess_shards");
		}
		catch (IllegalStateException ex) {
			throw new IllegalStateException(
					"vtgate cannot list the shards of keyspace '" + keyspace + "': " + ex.getMessage(), ex);
		}
		List<String> shards = new ArrayList<>();
		for (String name : rows) {
			ShardKey shard = (name != null && name.indexOf('/') >= 0) ? ShardKey.parse(name) : null;
			if (shard != null && shard.keyspace().equals(keyspace)) {
				shards.add(shard.shard());
			}
		}
		if (shards.isEmpty()) {
			throw new IllegalStateException("vtgate lists no shards for keyspace '" + keyspace + "'");
		}
		return shards;
	}

}
