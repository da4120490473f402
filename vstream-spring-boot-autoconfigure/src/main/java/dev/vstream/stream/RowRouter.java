package dev.vstream.stream;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import binlogdata.Binlogdata.FieldEvent;
import binlogdata.Binlogdata.RowChange;
import binlogdata.Binlogdata.RowEvent;
import binlogdata.Binlogdata.VEvent;
import dev.vstream.listener.ChangeEvent;
import dev.vstream.listener.Operation;
import dev.vstream.listener.RowCondition;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.mapping.RowMappingException;
import dev.vstream.mapping.TableSchema;
import dev.vstream.position.StreamPosition;
import org.jspecify.annotations.Nullable;

/**
 * Routes the rows of one connection to their listeners: keeps the tables' schemas (FIELD
 * events), decodes each row change of a listened table, applies each listener's operation
 * filter and the part of its condition vtgate does not apply, then calls the listener or
 * holds the change for a list listener ({@link ListenerBatches}). Copied rows are counted
 * for the copy's progress.
 *
 * <p>
 * One instance per connection, with the {@link EventDispatcher} that feeds it: its
 * schemas end with the connection. Used on the stream's thread only.
 */
final class RowRouter {

	private final String id;

	private final ListenerInvoker invoker;

	private final ListenerBatches batches;

	private final CopyProgressTracker copyProgress;

	private final StreamStatus status;

	private final Map<String, TableSchema> schemas = new HashMap<>();

	private final Map<String, List<VStreamListenerEndpoint>> routes = new HashMap<>();

	/** Listeners whose condition vtgate does not apply in full, checked here. */
	private Map<VStreamListenerEndpoint, RowCondition> checks = Map.of();

	/** The tables (keyspace/table) of which vtgate sends only some columns. */
	private Set<String> projected = Set.of();

	RowRouter(String id, ListenerInvoker invoker, ListenerBatches batches, CopyProgressTracker copyProgress,
			StreamStatus status, Collection<VStreamListenerEndpoint> endpoints,
			Function<VStreamListenerEndpoint, String> keyspaceOf) {
		this.id = id;
		this.invoker = invoker;
		this.batches = batches;
		this.copyProgress = copyProgress;
		this.status = status;
		for (VStreamListenerEndpoint endpoint : endpoints) {
			this.routes
				.computeIfAbsent(keyspaceOf.apply(endpoint) + "/" + endpoint.getTable(), (k) -> new ArrayList<>())
				.add(endpoint);
		}
	}

	/**
	 * The rules of this connection's request: which listeners are checked here, which
	 * tables are projected.
	 * @param rules per keyspace and table, its rule
	 */
	void useRules(Map<String, Map<String, RuleFilters.TableRule>> rules) {
		Map<VStreamListenerEndpoint, RowCondition> conditions = new HashMap<>();
		Set<String> narrowed = new HashSet<>();
		rules.forEach((keyspace, tables) -> tables.forEach((table, rule) -> {
			conditions.putAll(rule.checks());
			if (rule.projected()) {
				narrowed.add(keyspace + "/" + table);
			}
		}));
		this.checks = conditions;
		this.projected = narrowed;
	}

	void onField(VEvent event) {
		FieldEvent field = event.getFieldEvent();
		if (field.getIsInternalTable()) {
			// A sidecar table (vstream.flags.stream-keyspace-heartbeats): not the user's
			// table of that name.
			return;
		}
		String keyspace = field.getKeyspace().isEmpty() ? event.getKeyspace() : field.getKeyspace();
		String shard = field.getShard().isEmpty() ? event.getShard() : field.getShard();
		TableSchema schema = TableSchema.of(field);
		this.schemas.put(keyspace + "/" + shard + "/" + schema.table(), schema);
	}

	/**
	 * Route the changes of a ROW event.
	 * @param event the event
	 * @param transactionPosition the position its transaction ends at, when known already
	 * @param lastPosition the last position received before it
	 */
	void onRow(VEvent event, @Nullable StreamPosition transactionPosition, @Nullable StreamPosition lastPosition) {
		RowEvent rows = event.getRowEvent();
		if (rows.getIsInternalTable()) {
			return;
		}
		String keyspace = rows.getKeyspace().isEmpty() ? event.getKeyspace() : rows.getKeyspace();
		String shard = rows.getShard().isEmpty() ? event.getShard() : rows.getShard();
		String table = unqualified(rows.getTableName());
		if (event.getTimestamp() == 0) {
			// Copied, not read from the binlog (whose changes carry their commit time).
			this.copyProgress.rowsCopied(keyspace, table, rows.getRowChangesCount(),
					(transactionPosition != null) ? transactionPosition : lastPosition);
		}
		List<VStreamListenerEndpoint> listeners = this.routes.get(keyspace + "/" + table);
		if (listeners == null) {
			return;
		}
		TableSchema schema = this.schemas.get(keyspace + "/" + shard + "/" + table);
		if (schema == null) {
			throw new VStreamException("Stream '" + this.id + "' received rows of " + keyspace + "/" + shard + " "
					+ table + " before its FIELD event");
		}
		// Rows of the copy phase were not read from the binlog: they carry no commit
		// time.
		Instant commitTime = (event.getTimestamp() > 0) ? Instant.ofEpochSecond(event.getTimestamp()) : null;
		for (RowChange change : rows.getRowChangesList()) {
			if ((change.hasDataColumns() || change.hasJsonPartialValues()) && !this.projected.isEmpty()
					&& this.projected.contains(keyspace + "/" + table)) {
				// Their bitmaps count the table's columns, not the rule's.
				this.invoker.undecodable(new RowMappingException("A partial row image of " + keyspace + "/" + shard
						+ " " + table + " cannot be decoded: vtgate sends only some of its columns (a projection "
						+ "through @VStreamListener(columns) or the row type), which partial images "
						+ "(binlog_row_image=noblob, binlog_row_value_options=PARTIAL_JSON) do not support; set "
						+ "vstream.auto-project=false and drop the columns of its listeners", null));
				continue;
			}
			ChangeEvent decoded;
			try {
				decoded = RowChangeDecoder.decode(schema, change, keyspace, shard, transactionPosition, commitTime);
			}
			catch (RuntimeException ex) {
				this.invoker.undecodable(ex);
				continue;
			}
			Operation op = decoded.op();
			for (VStreamListenerEndpoint listener : listeners) {
				if (!listener.accepts(op)) {
					continue;
				}
				if (!this.checks.isEmpty()) {
					RowCondition condition = this.checks.get(listener);
					if (condition != null && !condition.matchesEither(schema, decoded.before(), decoded.after())) {
						continue;
					}
				}
				if (listener.getAdapter().isBatch()) {
					this.batches.hold(listener, decoded);
				}
				else {
					this.invoker.invoke(listener, decoded, () -> listener.getAdapter().invoke(decoded));
				}
			}
			if (commitTime != null) {
				this.status.setLastCommitTime(commitTime);
			}
		}
	}

	private static String unqualified(String table) {
		int dot = table.indexOf('.');
		return (dot >= 0) ? table.substring(dot + 1) : table;
	}

}
