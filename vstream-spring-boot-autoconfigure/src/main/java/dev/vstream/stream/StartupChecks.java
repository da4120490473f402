package dev.vstream.stream;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import dev.vstream.listener.ConditionTerm;
import dev.vstream.listener.RowCondition;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.position.LogSafeText;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * What a stream checks before it connects, so that a mistake fails the start instead of a
 * stream that never delivers: listeners without a keyspace, keyspace names that are
 * patterns, keyspaces vtgate does not know, and tables a keyspace does not have. Only
 * vtgate being unable to answer skips the lookups.
 */
final class StartupChecks {

	private static final Log logger = LogFactory.getLog(StartupChecks.class);

	private final String streamId;

	private final Channel channel;

	StartupChecks(String streamId, Channel channel) {
		this.streamId = streamId;
		this.channel = channel;
	}

	/**
	 * Check the listeners of a stream.
	 * @param listeners the listeners
	 * @param keyspaceOf the keyspace each listener streams
	 * @param lookUp whether to ask vtgate whether keyspaces and tables exist
	 * @throws VStreamException on the first mistake, naming the listener
	 */
	void check(Collection<VStreamListenerEndpoint> listeners, Function<VStreamListenerEndpoint, String> keyspaceOf,
			boolean lookUp) {
		Map<String, List<VStreamListenerEndpoint>> byKeyspace = new LinkedHashMap<>();
		for (VStreamListenerEndpoint listener : listeners) {
			if (!listener.isRunning()) {
				logger.info("Listener '" + listener.getId() + "' is not started: stream '" + this.streamId
						+ "' goes on without it until it is started");
			}
			String keyspace = keyspaceOf.apply(listener);
			if (keyspace.isEmpty()) {
				throw new VStreamException(
						"Listener '" + listener.getId() + "' names no keyspace and stream '" + this.streamId
								+ "' has no default keyspace; set vstream.keyspace or @VStreamListener(keyspace)");
			}
			if (keyspace.startsWith("/")) {
				// vtgate would stream every matching keyspace, but positions, routing and
				// the keyspace checks of saved positions all work on named keyspaces.
				throw new VStreamException("Listener '" + listener.getId() + "' of stream '" + this.streamId
						+ "' streams keyspace '" + keyspace + "', a pattern: keyspace patterns are not supported; "
						+ "name each keyspace (@VStreamListener(keyspace) or vstream.keyspace)");
			}
			if (!keyspace.matches("[^,\\s]+")) {
				throw new VStreamException("Listener '" + listener.getId() + "' of stream '" + this.streamId
						+ "' streams keyspace '" + keyspace + "': several keyspaces in one name are not supported; "
						+ "declare one listener per keyspace (@VStreamListener(keyspace)), one stream streams them all");
			}
			byKeyspace.computeIfAbsent(keyspace, (k) -> new ArrayList<>()).add(listener);
		}
		byKeyspace.forEach((keyspace, keyspaceListeners) -> {
			Map<String, List<VStreamListenerEndpoint>> byTable = new LinkedHashMap<>();
			keyspaceListeners.forEach((l) -> byTable.computeIfAbsent(l.getTable(), (t) -> new ArrayList<>()).add(l));
			try {
				byTable.values().forEach(RuleFilters::checkShareable);
			}
			catch (IllegalStateException ex) {
				throw new VStreamException("Stream '" + this.streamId + "': " + ex.getMessage(), ex);
			}
		});
		if (!lookUp) {
			return;
		}
		byKeyspace.forEach((keyspace, keyspaceListeners) -> {
			Set<String> tables = tablesOf(keyspace, keyspaceListeners);
			if (tables == null) {
				return;
			}
			for (VStreamListenerEndpoint listener : keyspaceListeners) {
				if (!tables.contains(listener.getTable().toLowerCase(Locale.ROOT))) {
					throw new VStreamException("Listener '" + listener.getId() + "' listens to table '"
							+ listener.getTable() + "', which keyspace '" + keyspace + "' does not have (it has "
							+ LogSafeText.of(new TreeSet<>(tables).toString(), 2000) + "); if a MoveTables workflow "
							+ "moved it to another keyspace, listen to it there (@VStreamListener(keyspace)) in a "
							+ "stream of its own");
				}
				checkFilter(keyspace, listener);
			}
		});
	}

	/**
	 * Ask vtgate whether the columns and condition of a listener fit its table, by
	 * reading no rows with them: vtgate's tablets check a rule only when a row of the
	 * table comes, which may be long after the start.
	 */
	private void checkFilter(String keyspace, VStreamListenerEndpoint listener) {
		RowCondition where = listener.getWhere();
		if (where == null && listener.getColumns().isEmpty()) {
			return;
		}
		List<ConditionTerm> terms = (where != null)
				? where.terms().stream().filter((t) -> t.kind() != ConditionTerm.Kind.IN_KEYRANGE).toList() : List.of();
		String sql = "select "
				+ (listener.getColumns().isEmpty() ? "1"
						: String.join(", ", listener.getColumns().stream().map(RuleFilters::quote).toList()))
				+ " from " + RuleFilters.quote(listener.getTable())
				+ (terms.isEmpty() ? "" : " where " + RowCondition.of(terms).sql()) + " limit 0";
		try {
			VtgateQueries.rows(this.channel, keyspace, sql);
		}
		catch (StatusRuntimeException ex) {
			logger.debug("Stream '" + this.streamId + "' could not check the filter of listener '" + listener.getId()
					+ "': " + ex.getStatus().getCode());
		}
		catch (IllegalStateException ex) {
			throw new VStreamException("Listener '" + listener.getId() + "' of stream '" + this.streamId
					+ "': vtgate refuses its filter on table '" + listener.getTable() + "' ("
					+ ((where != null) ? "where " + where.sql() : "")
					+ (listener.getColumns().isEmpty() ? ""
							: ((where != null) ? ", " : "") + "columns " + listener.getColumns())
					+ "): " + LogSafeText.of(ex.getMessage(), 2000), ex);
		}
	}

	/**
	 * The tables of a keyspace, {@code null} when vtgate cannot answer.
	 * @throws VStreamException when vtgate answers that the keyspace does not exist
	 */
	private @Nullable Set<String> tablesOf(String keyspace, List<VStreamListenerEndpoint> listeners) {
		List<String> rows;
		try {
			rows = VtgateQueries.firstColumn(this.channel, keyspace, "show tables");
		}
		catch (StatusRuntimeException ex) {
			logger.debug("Stream '" + this.streamId + "' could not list the tables of keyspace '" + keyspace + "': "
					+ ex.getStatus().getCode() + " " + LogSafeText.of(ex.getStatus().getDescription(), 2000));
			return null;
		}
		catch (IllegalStateException ex) {
			String message = ex.getMessage();
			if (isUnknownKeyspace(message)) {
				throw new VStreamException("Keyspace '" + keyspace + "', streamed by listener "
						+ String.join(", ", listeners.stream().map((l) -> "'" + l.getId() + "'").toList())
						+ " of stream '" + this.streamId + "', does not exist in vtgate ("
						+ LogSafeText.of(message, 2000) + "); check @VStreamListener(keyspace) or vstream.keyspace");
			}
			logger.debug("Stream '" + this.streamId + "' could not list the tables of keyspace '" + keyspace + "': "
					+ LogSafeText.of(message, 2000));
			return null;
		}
		Set<String> tables = new HashSet<>();
		for (String table : rows) {
			if (table != null) {
				tables.add(table.toLowerCase(Locale.ROOT));
			}
		}
		return tables;
	}

	/**
	 * Whether vtgate confirms that a keyspace does not exist.
	 * @param keyspace the keyspace
	 * @return {@code true} only when vtgate answers that it does not know the keyspace;
	 * {@code false} when it has the keyspace or cannot answer
	 */
	boolean keyspaceMissing(String keyspace) {
		try {
			VtgateQueries.firstColumn(this.channel, keyspace, "show tables");
			return false;
		}
		catch (StatusRuntimeException ex) {
			return false;
		}
		catch (IllegalStateException ex) {
			return isUnknownKeyspace(ex.getMessage());
		}
	}

	/**
	 * vtgate's answer for a keyspace missing from its VSchema: VT05003 unknown database.
	 */
	private static boolean isUnknownKeyspace(@Nullable String message) {
		return message != null && (message.contains("VT05003") || message.contains("unknown database"));
	}

}
