package dev.vstream.scaling;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.Channel;
import io.vitess.proto.Query;
import io.vitess.proto.Vtgate.ExecuteRequest;
import io.vitess.proto.Vtgate.ExecuteResponse;
import io.vitess.proto.Vtgate.Session;
import io.vitess.proto.Vtrpc;
import io.vitess.proto.grpc.VitessGrpc;

/**
 * Asks vtgate for the serving shards with {@code SHOW VITESS_SHARDS} over its gRPC
 * {@code Execute} call (rows such as {@code customer/-80}), on the channel the streams use.
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
		ExecuteResponse response = VitessGrpc.newBlockingStub(this.channel)
			.withDeadlineAfter(10, TimeUnit.SECONDS)
			.execute(ExecuteRequest.newBuilder()
				.setSession(Session.newBuilder().setTargetString(keyspace).setAutocommit(true))
				.setQuery(Query.BoundQuery.newBuilder().setSql("show vitess_shards"))
				.build());
		if (response.hasError() && response.getError().getCode() != Vtrpc.Code.OK) {
			throw new IllegalStateException("vtgate cannot list the shards of keyspace '" + keyspace + "': "
					+ response.getError().getMessage());
		}
		List<String> shards = new ArrayList<>();
		String prefix = keyspace + "/";
		for (Query.Row row : response.getResult().getRowsList()) {
			if (row.getLengthsCount() > 0 && row.getLengths(0) >= 0) {
				String name = row.getValues().substring(0, (int) row.getLengths(0)).toStringUtf8();
				if (name.startsWith(prefix)) {
					shards.add(name.substring(prefix.length()));
				}
			}
		}
		if (shards.isEmpty()) {
			throw new IllegalStateException("vtgate lists no shards for keyspace '" + keyspace + "'");
		}
		return shards;
	}

}
