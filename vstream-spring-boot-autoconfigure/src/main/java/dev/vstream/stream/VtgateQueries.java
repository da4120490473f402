package dev.vstream.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.vstream.position.ShardKey;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.vitess.proto.Query;
import io.vitess.proto.Vtgate.ExecuteRequest;
import io.vitess.proto.Vtgate.ExecuteResponse;
import io.vitess.proto.Vtgate.Session;
import io.vitess.proto.Vtrpc;
import io.vitess.proto.grpc.VitessGrpc;
import org.jspecify.annotations.Nullable;

/**
 * Runs a read-only statement through vtgate's gRPC {@code Execute}, on the channel the
 * streams use, for the few things a stream asks vtgate besides the VStream itself
 * (tables, shards, a shard's replication position).
 */
public final class VtgateQueries {

	/**
	 * How long one statement may take: these are metadata reads, answered at once when
	 * vtgate is well.
	 */
	private static final long DEADLINE_SECONDS = 10;

	private VtgateQueries() {
	}

	/**
	 * Run a statement and return the first column of its rows.
	 * @param channel the channel to vtgate
	 * @param target vtgate's target: a keyspace, or {@code keyspace:shard@tablet_type}
	 * @param sql the statement
	 * @return the first column's values, {@code null} for SQL NULL
	 * @throws StatusRuntimeException when vtgate cannot be reached or fails the call
	 * @throws IllegalStateException when vtgate answers with an error (its message)
	 */
	public static List<String> firstColumn(Channel channel, String target, String sql) {
		List<String> values = new ArrayList<>();
		for (List<String> row : rows(channel, target, sql)) {
			if (!row.isEmpty()) {
				values.add(row.get(0));
			}
		}
		return values;
	}

	/**
	 * The shards vtgate serves for a keyspace: {@code SHOW VITESS_SHARDS}, whose rows
	 * name every keyspace's shards as {@code customer/-80}.
	 * @param channel the channel to vtgate
	 * @param keyspace the keyspace
	 * @return its shard names, in vtgate's order; empty when vtgate lists none
	 * @throws StatusRuntimeException when vtgate cannot be reached or fails the call
	 * @throws IllegalStateException when vtgate answers with an error (its message)
	 */
	public static List<String> servingShards(Channel channel, String keyspace) {
		List<String> shards = new ArrayList<>();
		for (String name : firstColumn(channel, keyspace, "show vitess_shards")) {
			ShardKey shard = (name != null && name.indexOf('/') >= 0) ? ShardKey.parse(name) : null;
			if (shard != null && shard.keyspace().equals(keyspace)) {
				shards.add(shard.shard());
			}
		}
		return shards;
	}

	/**
	 * The columns of a table, in table order: {@code SHOW COLUMNS}.
	 * @param channel the channel to vtgate
	 * @param keyspace the keyspace
	 * @param table the table
	 * @return its column names; {@code null} when vtgate cannot answer or answers with an
	 * error
	 */
	public static @Nullable List<String> columns(Channel channel, String keyspace, String table) {
		try {
			List<String> columns = firstColumn(channel, keyspace,
					"show columns from `" + table.replace("`", "``") + "`");
			return (columns.isEmpty() || columns.contains(null)) ? null : columns;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	/**
	 * Run a statement and return its rows.
	 * @param channel the channel to vtgate
	 * @param target vtgate's target: a keyspace, or {@code keyspace:shard@tablet_type}
	 * @param sql the statement
	 * @return each row's values, {@code null} for SQL NULL
	 * @throws StatusRuntimeException when vtgate cannot be reached or fails the call
	 * @throws IllegalStateException when vtgate answers with an error (its message)
	 */
	public static List<List<String>> rows(Channel channel, String target, String sql) {
		ExecuteResponse response = VitessGrpc.newBlockingStub(channel)
			.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
			.execute(ExecuteRequest.newBuilder()
				.setSession(Session.newBuilder().setTargetString(target).setAutocommit(true))
				.setQuery(Query.BoundQuery.newBuilder().setSql(sql))
				.build());
		// vtgate reports a failed statement in the response, not as the call's status.
		if (response.hasError() && response.getError().getCode() != Vtrpc.Code.OK) {
			throw new IllegalStateException(response.getError().getMessage());
		}
		List<List<String>> rows = new ArrayList<>();
		for (Query.Row row : response.getResult().getRowsList()) {
			List<String> values = new ArrayList<>(row.getLengthsCount());
			int offset = 0;
			for (long length : row.getLengthsList()) {
				if (length < 0) {
					values.add(null);
					continue;
				}
				if (length > row.getValues().size() - offset) {
					throw new IllegalStateException(
							"vtgate answered '" + sql + "' with a row shorter than its lengths");
				}
				values.add(row.getValues().substring(offset, offset + (int) length).toStringUtf8());
				offset += (int) length;
			}
			rows.add(values);
		}
		return rows;
	}

}
