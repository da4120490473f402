package dev.vstream.stream;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;

import binlogdata.Binlogdata.Filter;
import binlogdata.Binlogdata.Rule;
import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.TableLastPK;
import binlogdata.Binlogdata.VGtid;
import com.google.protobuf.UnknownFieldSet;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.position.StreamPosition;
import io.vitess.proto.Vtgate.VStreamFlags;
import io.vitess.proto.Vtgate.VStreamRequest;
import org.jspecify.annotations.Nullable;

/**
 * Builds the requests a stream sends to vtgate on each (re)connect: the filter rules of
 * the listened tables, the settings' flags, and the position to resume from.
 *
 * <p>
 * vtgate (up to Vitess 24 at least) hands one request's filter as it is to every shard of
 * every keyspace of the request, and the tablets match its rules against bare table
 * names: a rule cannot name a keyspace. One request for listeners of
 * {@code commerce.corder} and {@code customer.customer} would therefore stream (and copy)
 * {@code customer.corder} and {@code commerce.customer} too, and fail to copy when a
 * keyspace lacks one of the tables. So the keyspaces are grouped by the rules and the
 * tables to copy they need, and each group gets its own request (one call): keyspaces
 * that want the same get one call, as before.
 */
final class VStreamRequestFactory {

	/**
	 * Field number of {@code transaction_chunk_size} in {@code vtgate.VStreamFlags}
	 * (Vitess 24), which the protocol classes in use predate.
	 */
	static final int TRANSACTION_CHUNK_SIZE_FIELD = 11;

	private VStreamRequestFactory() {
	}

	/**
	 * The calls a stream makes: one per group of keyspaces wanting the same rules and
	 * copying the same tables, in the order of the keyspaces.
	 * @param settings the stream's settings
	 * @param endpoints the stream's listeners
	 * @param keyspaceOf the keyspace of each listener
	 * @param keyspaces the keyspaces the stream streams
	 * @return the calls
	 */
	static List<Call> calls(VStreamSettings settings, Collection<VStreamListenerEndpoint> endpoints,
			Function<VStreamListenerEndpoint, String> keyspaceOf, Set<String> keyspaces) {
		return calls(settings, rules(endpoints, keyspaceOf, keyspaces, (keyspace, table) -> null), Map.of());
	}

	/**
	 * The rules of the listened tables, per keyspace (every keyspace streamed, also one
	 * without listeners) and table.
	 * @param endpoints the stream's listeners
	 * @param keyspaceOf the keyspace of each listener
	 * @param keyspaces the keyspaces the stream streams
	 * @param tableColumns the columns of a keyspace's table in table order, {@code null}
	 * when unknown (then record and bean listeners get every column)
	 * @return per keyspace, per table (sorted), its rule
	 */
	static Map<String, Map<String, RuleFilters.TableRule>> rules(Collection<VStreamListenerEndpoint> endpoints,
			Function<VStreamListenerEndpoint, String> keyspaceOf, Set<String> keyspaces,
			BiFunction<String, String, @Nullable List<String>> tableColumns) {
		Map<String, Map<String, RuleFilters.TableRule>> rules = new LinkedHashMap<>();
		for (String keyspace : keyspaces) {
			rules.put(keyspace, new TreeMap<>());
		}
		Map<String, Map<String, List<VStreamListenerEndpoint>>> byTable = new LinkedHashMap<>();
		for (VStreamListenerEndpoint endpoint : endpoints) {
			byTable.computeIfAbsent(keyspaceOf.apply(endpoint), (k) -> new TreeMap<>())
				.computeIfAbsent(endpoint.getTable(), (t) -> new ArrayList<>())
				.add(endpoint);
		}
		byTable.forEach((keyspace,
				tables) -> tables.forEach((table, listeners) -> rules.computeIfAbsent(keyspace, (k) -> new TreeMap<>())
					.put(table, RuleFilters.rule(table, listeners,
							needsColumns(listeners) ? tableColumns.apply(keyspace, table) : null))));
		return rules;
	}

	/**
	 * Whether the table's columns would narrow its rule: every listener takes a record or
	 * bean, or names its columns, and at least one of them leaves its columns to its
	 * type.
	 */
	private static boolean needsColumns(List<VStreamListenerEndpoint> listeners) {
		boolean typed = false;
		for (VStreamListenerEndpoint listener : listeners) {
			if (listener.getColumns().isEmpty()) {
				if (Map.class.isAssignableFrom(listener.getAdapter().getPayloadType())) {
					return false;
				}
				typed = true;
			}
		}
		return typed;
	}

	/**
	 * The calls a stream makes: one per group of keyspaces wanting the same rules and
	 * copying the same tables, in the order of the keyspaces.
	 * @param settings the stream's settings
	 * @param tableRules the rules, see {@link #rules}
	 * @return the calls
	 */
	static List<Call> calls(VStreamSettings settings, Map<String, Map<String, RuleFilters.TableRule>> tableRules) {
		return calls(settings, tableRules, Map.of());
	}

	/**
	 * The calls a stream makes: one per group of keyspaces wanting the same rules and
	 * copying the same tables, in the order of the keyspaces. A keyspace with tables that
	 * its position does not cover and that are to be copied ({@link TableCoverage}) asks
	 * for those tables only, in {@code tables_to_copy} and in each shard's
	 * {@code table_p_ks}.
	 * @param settings the stream's settings
	 * @param tableRules the rules, see {@link #rules}
	 * @param added per keyspace, the new tables to copy
	 * @return the calls
	 */
	static List<Call> calls(VStreamSettings settings, Map<String, Map<String, RuleFilters.TableRule>> tableRules,
			Map<String, Set<String>> added) {
		Map<String, Map<String, String>> rules = new LinkedHashMap<>();
		tableRules.forEach((keyspace, tables) -> {
			Map<String, String> sql = new TreeMap<>();
			tables.forEach((table, rule) -> sql.put(table, rule.sql()));
			rules.put(keyspace, sql);
		});
		Map<Call.Key, List<String>> groups = new LinkedHashMap<>();
		for (Map.Entry<String, Map<String, String>> entry : rules.entrySet()) {
			String keyspace = entry.getKey();
			Set<String> newTables = added.getOrDefault(keyspace, Set.of());
			Call.Key key = newTables.isEmpty()
					? new Call.Key(entry.getValue(),
							tablesToCopy(settings.tablesToCopy(), keyspace, entry.getValue().keySet()),
							!settings.tablesToCopy().isEmpty(), false)
					: new Call.Key(entry.getValue(), newTables, true, true);
			groups.computeIfAbsent(key, (k) -> new ArrayList<>()).add(keyspace);
		}
		List<Call> calls = new ArrayList<>();
		groups.forEach((key, groupKeyspaces) -> calls.add(new Call(groupKeyspaces, key)));
		return calls;
	}

	/**
	 * The entries of {@code vstream.tables-to-copy} that are tables of a keyspace's
	 * filter: a bare name counts in every keyspace, {@code keyspace.table} in its
	 * keyspace.
	 */
	static Set<String> tablesToCopy(List<String> entries, String keyspace, Set<String> tables) {
		Set<String> copied = new TreeSet<>();
		for (String entry : entries) {
			int dot = entry.indexOf('.');
			String table = (dot >= 0) ? entry.substring(dot + 1) : entry;
			if ((dot < 0 || entry.substring(0, dot).equals(keyspace)) && tables.contains(table)) {
				copied.add(table);
			}
		}
		return copied;
	}

	/**
	 * Build the request of one call that resumes from a position.
	 * @param settings the stream's settings
	 * @param call the call
	 * @param from the stream's position (of every keyspace)
	 * @return the request
	 */
	static VStreamRequest request(VStreamSettings settings, Call call, StreamPosition from) {
		Filter.Builder filter = Filter.newBuilder();
		call.key().rules().forEach((table, sql) -> filter.addRules(Rule.newBuilder().setMatch(table).setFilter(sql)));
		VGtid.Builder vgtid = VGtid.newBuilder();
		boolean copiesNothing = call.key().limitsCopy() && call.key().tablesToCopy().isEmpty();
		for (ShardGtid shard : from.toVGtid().getShardGtidsList()) {
			if (call.keyspaces().contains(shard.getKeyspace())) {
				// Limited to tables none of which is here: vtgate would copy them all
				// (no list) or refuse (no table of the list in the filter).
				boolean notStarted = shard.getGtid().isEmpty() && shard.getTablePKsCount() == 0;
				if (call.key().addsTables()) {
					vgtid.addShardGtids(withNewTables(shard, call.key().tablesToCopy()));
				}
				else {
					vgtid.addShardGtids(
							(copiesNothing && notStarted) ? shard.toBuilder().setGtid("current").build() : shard);
				}
			}
		}
		VStreamRequestOptions options = settings.requestOptions();
		VStreamFlags.Builder flags = VStreamFlags.newBuilder()
			.setHeartbeatInterval((int) settings.heartbeatInterval().toSeconds())
			.setStopOnReshard(settings.stopOnReshard())
			.addAllTablesToCopy(call.key().tablesToCopy())
			.setMinimizeSkew(options.minimizeSkew())
			.setCells(String.join(",", options.cells()))
			.setCellPreference(options.cellPreference())
			.setTabletOrder(options.tabletOrder())
			.setStreamKeyspaceHeartbeats(options.streamKeyspaceHeartbeats())
			.setIncludeReshardJournalEvents(options.includeReshardJournalEvents())
			.setExcludeKeyspaceFromTableName(options.excludeKeyspaceFromTableName());
		if (options.transactionChunkSize() > 0) {
			flags.mergeUnknownFields(UnknownFieldSet.newBuilder()
				.addField(TRANSACTION_CHUNK_SIZE_FIELD,
						UnknownFieldSet.Field.newBuilder().addVarint(options.transactionChunkSize()).build())
				.build());
		}
		VStreamRequest.Builder request = VStreamRequest.newBuilder()
			.setTabletType(settings.tabletType())
			.setVgtid(vgtid)
			.setFilter(filter)
			.setFlags(flags);
		for (VStreamRequestCustomizer customizer : options.customizers()) {
			customizer.customize(request);
		}
		return request.build();
	}

	/**
	 * A shard position that makes vtgate copy new tables: each gets a {@code table_p_ks}
	 * entry without a last primary key (a table whose copy is under way keeps its entry),
	 * so that vtgate, after catching up from the shard's GTID set, copies it from its
	 * first row.
	 */
	private static ShardGtid withNewTables(ShardGtid shard, Set<String> tables) {
		Set<String> listed = new TreeSet<>();
		shard.getTablePKsList().forEach((table) -> listed.add(table.getTableName()));
		ShardGtid.Builder builder = shard.toBuilder();
		for (String table : tables) {
			if (!listed.contains(table)) {
				builder.addTablePKs(TableLastPK.newBuilder().setTableName(table));
			}
		}
		return builder.build();
	}

	/**
	 * Build the requests of all calls.
	 * @param settings the stream's settings
	 * @param calls the calls
	 * @param from the stream's position
	 * @return one request per call
	 */
	static List<VStreamRequest> requests(VStreamSettings settings, List<Call> calls, StreamPosition from) {
		return calls.stream().map((call) -> request(settings, call, from)).toList();
	}

	/**
	 * One VStream call of a stream.
	 *
	 * @param keyspaces the keyspaces it streams
	 * @param key what it asks for
	 */
	record Call(List<String> keyspaces, Key key) {

		Call {
			keyspaces = List.copyOf(keyspaces);
		}

		/**
		 * What keyspaces of one call share.
		 *
		 * @param rules per table (sorted), the filter SQL of its rule
		 * @param tablesToCopy the tables to copy; empty for all unless {@code limitsCopy}
		 * @param limitsCopy whether the stream copies only some tables
		 * @param addsTables whether the tables to copy are new tables that the position
		 * does not cover, which each shard's {@code table_p_ks} names
		 */
		record Key(Map<String, String> rules, Set<String> tablesToCopy, boolean limitsCopy, boolean addsTables) {

			Key {
				rules = Collections.unmodifiableMap(new TreeMap<>(rules));
				tablesToCopy = Collections.unmodifiableSet(new TreeSet<>(tablesToCopy));
			}

		}

	}

}
