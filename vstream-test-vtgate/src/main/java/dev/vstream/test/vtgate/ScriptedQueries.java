package dev.vstream.test.vtgate;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.vitess.proto.Query;
import io.vitess.proto.Vtgate;
import io.vitess.proto.Vtrpc;

/**
 * The queries a {@link ScriptedVtgate} answers through Execute, as vtgate does:
 * {@code SHOW TABLES}, {@code SHOW VITESS_SHARDS}, {@code SHOW VITESS_TABLETS}, a shard's
 * GTID position and a table's row estimate, from what the test scripted. Filled from any
 * thread, read by gRPC's.
 */
final class ScriptedQueries {

	/** Per keyspace, its tables. */
	final Map<String, List<String>> tables = new ConcurrentHashMap<>();

	/** Keyspaces vtgate's VSchema does not have. */
	final Set<String> unknownKeyspaces = ConcurrentHashMap.newKeySet();

	/** Per keyspace, its serving shards. */
	final Map<String, List<String>> shards = new ConcurrentHashMap<>();

	/** Per target ({@code keyspace:shard@primary}), its GTID set. */
	final Map<String, String> shardPositions = new ConcurrentHashMap<>();

	/** Per keyspace, the shards with a primary tablet that is not serving. */
	final Map<String, List<String>> tabletShards = new ConcurrentHashMap<>();

	/** Per {@code keyspace:shard/table}, its row estimate. */
	final Map<String, Long> tableRows = new ConcurrentHashMap<>();

	/**
	 * The answer to a query, as vtgate's Execute gives it.
	 * @param request the query and its target
	 * @return the answer, {@code null} for a query not scripted
	 */
	Vtgate.ExecuteResponse answer(Vtgate.ExecuteRequest request) {
		if (request.getQuery().getSql().equalsIgnoreCase("show vitess_shards")) {
			Query.QueryResult.Builder result = Query.QueryResult.newBuilder()
				.addFields(Query.Field.newBuilder().setName("Shards").setType(Query.Type.VARCHAR));
			this.shards.forEach(
					(keyspace, names) -> names.forEach((name) -> result.addRows(Events.row(keyspace + "/" + name))));
			return Vtgate.ExecuteResponse.newBuilder().setResult(result).build();
		}
		if (request.getQuery().getSql().equalsIgnoreCase("show vitess_tablets") && !this.tabletShards.isEmpty()) {
			Query.QueryResult.Builder result = Query.QueryResult.newBuilder();
			for (String field : List.of("Cell", "Keyspace", "Shard", "TabletType", "State", "Alias", "Hostname",
					"PrimaryTermStartTime")) {
				result.addFields(Query.Field.newBuilder().setName(field).setType(Query.Type.VARCHAR));
			}
			this.tabletShards.forEach((keyspace, names) -> names.forEach((name) -> result
				.addRows(Events.row("zone1", keyspace, name, "PRIMARY", "NOT_SERVING", "zone1-100", "localhost", ""))));
			return Vtgate.ExecuteResponse.newBuilder().setResult(result).build();
		}
		if (this.unknownKeyspaces.contains(request.getSession().getTargetString())) {
			return Vtgate.ExecuteResponse.newBuilder()
				.setError(
						Vtrpc.RPCError.newBuilder()
							.setCode(Vtrpc.Code.NOT_FOUND)
							.setMessage("VT05003: unknown database '" + request.getSession().getTargetString()
									+ "' in vschema"))
				.build();
		}
		String sql = request.getQuery().getSql().toLowerCase(Locale.ROOT);
		if (sql.startsWith("select table_rows from information_schema.tables") && sql.contains("table_name = '")) {
			String target = request.getSession().getTargetString().replaceFirst("@.*$", "");
			int start = sql.indexOf("table_name = '") + "table_name = '".length();
			Long rows = this.tableRows.get(target + "/" + sql.substring(start, sql.indexOf('\'', start)));
			Query.QueryResult.Builder result = Query.QueryResult.newBuilder()
				.addFields(Query.Field.newBuilder().setName("TABLE_ROWS").setType(Query.Type.UINT64));
			if (rows != null) {
				result.addRows(Events.row(rows));
			}
			return Vtgate.ExecuteResponse.newBuilder().setResult(result).build();
		}
		String position = this.shardPositions.get(request.getSession().getTargetString());
		if (position != null
				&& request.getQuery().getSql().toLowerCase(Locale.ROOT).startsWith("select @@global.gtid_")) {
			Query.QueryResult.Builder result = Query.QueryResult.newBuilder()
				.addFields(Query.Field.newBuilder()
					.setName(request.getQuery().getSql().substring(7))
					.setType(Query.Type.VARCHAR))
				.addRows(Events.row(position));
			return Vtgate.ExecuteResponse.newBuilder().setResult(result).build();
		}
		List<String> keyspaceTables = this.tables.get(request.getSession().getTargetString());
		if (keyspaceTables == null || !request.getQuery().getSql().equalsIgnoreCase("show tables")) {
			return null;
		}
		Query.QueryResult.Builder result = Query.QueryResult.newBuilder()
			.addFields(Query.Field.newBuilder()
				.setName("Tables_in_" + request.getSession().getTargetString())
				.setType(Query.Type.VARCHAR));
		for (String table : keyspaceTables) {
			result.addRows(Events.row(table));
		}
		return Vtgate.ExecuteResponse.newBuilder().setResult(result).build();
	}

}
