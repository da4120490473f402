package dev.vstream.scaling;

import java.util.List;

import dev.vstream.position.LogSafeText;
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
		List<String> shards;
		try {
			shards = VtgateQueries.servingShards(this.channel, keyspace);
		}
		catch (IllegalStateException ex) {
			throw new IllegalStateException("vtgate cannot list the shards of keyspace '" + keyspace + "': "
					+ LogSafeText.of(ex.getMessage(), 2000), ex);
		}
		if (shards.isEmpty()) {
			throw new IllegalStateException("vtgate lists no shards for keyspace '" + keyspace + "'");
		}
		return shards;
	}

}
