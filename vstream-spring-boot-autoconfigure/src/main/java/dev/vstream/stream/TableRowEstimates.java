package dev.vstream.stream;

import java.util.List;
import java.util.Locale;

import dev.vstream.position.LogSafeText;
import dev.vstream.position.StreamPosition;
import io.grpc.Channel;
import io.vitess.proto.Topodata.TabletType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The size of a table as the database estimates it, for the copy's progress: each
 * streamed shard is asked through vtgate (target {@code keyspace:shard@type}, which
 * vtgate passes to that shard's tablet) for {@code information_schema.tables.table_rows}
 * of the table in the shard's own database, and the answers are summed. A query to the
 * keyspace alone would not do: vtgate routes an {@code information_schema} query of a
 * sharded keyspace to one of its shards only.
 *
 * <p>
 * For InnoDB the value is an estimate from index statistics, refreshed by the server as
 * the table changes by a tenth or so; it can be off by tens of percent.
 */
final class TableRowEstimates {

	private static final Log logger = LogFactory.getLog(TableRowEstimates.class);

	private TableRowEstimates() {
	}

	/**
	 * The estimated row count of a table over the shards of a keyspace.
	 * @param channel the channel to vtgate
	 * @param tabletType the tablet type the stream reads from
	 * @param keyspace the keyspace
	 * @param table the table
	 * @param position the position received with the table's first copied rows: its
	 * shards of the keyspace are those streamed; {@code null} (or no shard named) for all
	 * serving shards of the keyspace
	 * @return the sum of the shards' estimates, {@code null} when a shard did not answer
	 * one
	 */
	static @Nullable Long estimate(Channel channel, TabletType tabletType, String keyspace, String table,
			@Nullable StreamPosition position) {
		String type = (tabletType == TabletType.UNRECOGNIZED) ? "primary" : tabletType.name().toLowerCase(Locale.ROOT);
		String sql = "select table_rows from information_schema.tables where table_schema = database()"
				+ " and table_name = '" + literal(table) + "'";
		try {
			List<String> shards = shards(channel, keyspace, position);
			if (shards.isEmpty()) {
				return null;
			}
			long total = 0;
			for (String shard : shards) {
				List<String> rows = VtgateQueries.firstColumn(channel, keyspace + ":" + shard + "@" + type, sql);
				if (rows.isEmpty() || rows.get(0) == null) {
					return null;
				}
				total += Long.parseLong(rows.get(0).trim());
			}
			return total;
		}
		catch (RuntimeException ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("No row estimate for " + LogSafeText.of(keyspace, 64) + "." + LogSafeText.of(table, 64)
						+ ": " + LogSafeText.of(String.valueOf(ex.getMessage()), 500));
			}
			return null;
		}
	}

	private static List<String> shards(Channel channel, String keyspace, @Nullable StreamPosition position) {
		List<String> shards = (position != null) ? position.shards()
			.stream()
			.filter((s) -> s.keyspace().equals(keyspace) && !s.shard().isEmpty())
			.map((s) -> s.shard())
			.toList() : List.of();
		return shards.isEmpty() ? VtgateQueries.servingShards(channel, keyspace) : shards;
	}

	/** The text of a MySQL string literal between single quotes. */
	private static String literal(String text) {
		return text.replace("\\", "\\\\").replace("'", "\\'");
	}

}
