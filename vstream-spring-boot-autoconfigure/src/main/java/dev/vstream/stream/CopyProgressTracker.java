package dev.vstream.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.TableLastPK;
import dev.vstream.position.LogSafeText;
import dev.vstream.position.ShardPosition;
import dev.vstream.position.StreamPosition;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Follows the copy phase of a stream, table by table: counts the copied rows (rows
 * without a binlog timestamp; the binlog changes vtgate interleaves to catch up carry
 * theirs), asks vtgate for each table's estimated size ({@link TableRowEstimates}) when
 * its first rows arrive and every few minutes after, computes the rate over the last half
 * minute, sees a table finished when its last primary key leaves the position of every
 * shard of its keyspace (or vtgate ends the copy phase), and logs the progress at a
 * steady interval.
 *
 * <p>
 * Rows count once their transaction was handled: rows of a batch that a broken connection
 * cut off (vtgate sends them again) are not counted twice. Counts are since the stream's
 * start: a start that resumes a copy does not know how many rows the earlier run copied.
 *
 * <p>
 * Concurrency: updated on the stream's thread (reset by {@code start()} before it runs);
 * {@link #progress()} may be called from any thread and reads values the stream thread
 * published.
 */
final class CopyProgressTracker {

	private static final Log logger = LogFactory.getLog(CopyProgressTracker.class);

	/** The rate is over at least this much of the recent past. */
	static final Duration RATE_WINDOW = Duration.ofSeconds(30);

	/** How often an unfinished table's estimate is asked for again. */
	static final Duration ESTIMATE_REFRESH = Duration.ofMinutes(5);

	private static final long SAMPLE_MILLIS = 1000;

	private final DefaultVStreamContainer container;

	/** The tables of this start, in the order their copy began. */
	private final List<Table> tables = new CopyOnWriteArrayList<>();

	private final Map<String, Table> byName = new HashMap<>();

	/** Tables whose copy the start position resumes ({@code keyspace.table}). */
	private Set<String> resuming = Set.of();

	/** Whether a table's copy is under way. */
	private boolean open;

	private long lastLogMillis;

	/** The position the rows counted last came with. */
	private @Nullable StreamPosition countedAt;

	CopyProgressTracker(DefaultVStreamContainer container) {
		this.container = container;
	}

	/**
	 * A start: forget the tables of the last one.
	 * @param from where the stream starts
	 */
	void starting(StreamPosition from) {
		Set<String> resumed = new HashSet<>();
		for (ShardGtid shard : from.toVGtid().getShardGtidsList()) {
			for (TableLastPK table : shard.getTablePKsList()) {
				if (table.hasLastpk()) {
					resumed.add(shard.getKeyspace() + "." + table.getTableName());
				}
			}
		}
		this.resuming = resumed;
		this.byName.clear();
		this.tables.clear();
		this.open = false;
		this.countedAt = null;
	}

	/**
	 * Rows of the copy phase arrived.
	 * @param keyspace the keyspace
	 * @param table the table
	 * @param rows how many
	 * @param position the position of their transaction, or the last one received
	 */
	void rowsCopied(String keyspace, String table, int rows, @Nullable StreamPosition position) {
		String name = keyspace + "." + table;
		Table progress = this.byName.get(name);
		long now = this.container.getClock().millis();
		if (progress == null) {
			Long estimate = estimate(keyspace, table, position);
			progress = new Table(keyspace, table, now, estimate, this.resuming.contains(name), position);
			this.byName.put(name, progress);
			this.tables.add(progress);
			logger.info("Stream '"
					+ this.container.getId() + "' copying " + progress.logName() + ((estimate != null)
							? String.format(Locale.ROOT, ", ~%,d rows estimated", estimate) : ", no row estimate")
					+ (progress.resumed ? ", resumed after the saved primary key" : ""));
		}
		else if (progress.completedAt != null) {
			// Seen finished on every shard too early (a shard had not begun it).
			progress.completedAt = null;
		}
		if (!this.open) {
			this.open = true;
			this.lastLogMillis = now;
		}
		progress.pending += rows;
	}

	/**
	 * The rows before the position reached were handled: count them, see which tables are
	 * done, log when due.
	 * @param reached the position reached, if any
	 */
	void transactionHandled(@Nullable StreamPosition reached) {
		if (!this.open) {
			// The position copied rows that come next must move past.
			this.countedAt = reached;
			return;
		}
		long now = this.container.getClock().millis();
		// Rows count with the position that follows them: a batch that a broken
		// connection cut off before its position comes again.
		if (reached != null && reached != this.countedAt) {
			this.countedAt = reached;
			count(now);
		}
		if (reached != null) {
			completedIn(reached, now);
		}
		for (Table table : this.tables) {
			if (table.completedAt == null && now - table.estimatedAt >= ESTIMATE_REFRESH.toMillis()) {
				Long estimate = estimate(table.keyspace, table.table, table.position);
				table.estimatedAt = now;
				if (estimate != null) {
					table.estimate = estimate;
				}
			}
		}
		long interval = this.container.getContainerOptions().getCopyProgressLogInterval().toMillis();
		if (this.open && interval > 0 && now - this.lastLogMillis >= interval) {
			this.lastLogMillis = now;
			for (Table table : this.tables) {
				if (table.completedAt == null) {
					logger.info(table.describe(this.container.getId()));
				}
			}
		}
	}

	/** vtgate ended the copy phase of the whole stream: every table is done. */
	void copyCompleted() {
		long now = this.container.getClock().millis();
		count(now);
		for (Table table : this.tables) {
			if (table.completedAt == null) {
				complete(table, now);
			}
		}
		this.open = false;
	}

	private void count(long now) {
		for (Table table : this.tables) {
			if (table.pending > 0) {
				int rows = table.pending;
				table.pending = 0;
				table.copied += rows;
				table.sample(now);
				this.container.getMonitor().rowsCopied(this.container, table.keyspace, table.table, rows);
			}
		}
	}

	/** The connection broke: rows of the transaction in hand will come again. */
	void abandon() {
		for (Table table : this.tables) {
			table.pending = 0;
		}
	}

	/**
	 * @return the progress of each table whose copy began in this start, in that order
	 */
	List<CopyProgress> progress() {
		return this.tables.stream().map(Table::snapshot).toList();
	}

	private @Nullable Long estimate(String keyspace, String table, @Nullable StreamPosition position) {
		return TableRowEstimates.estimate(this.container.channel(), this.container.getSettings().tabletType(), keyspace,
				table, position);
	}

	/**
	 * A table is done when every shard of its keyspace in the position is past it: the
	 * shard listed it as copying before and no longer does, or the shard's copy phase is
	 * over. vtgate lists a table in a shard's {@code table_p_ks} only once that shard
	 * began copying it, so a shard still copying another table may not have begun this
	 * one yet.
	 */
	private void completedIn(StreamPosition position, long now) {
		List<ShardPosition> shards = position.shards();
		boolean stillOpen = false;
		for (Table table : this.tables) {
			if (table.completedAt != null) {
				continue;
			}
			boolean inPosition = false;
			boolean done = true;
			for (ShardPosition shard : shards) {
				if (!shard.keyspace().equals(table.keyspace)) {
					continue;
				}
				inPosition = true;
				if (shard.copyingTables().contains(table.table)) {
					table.listedShards.add(shard.shard());
					done = false;
				}
				else if (shard.isCopying() && !table.listedShards.contains(shard.shard())) {
					done = false;
				}
			}
			// Rows that came before their position: not listed yet.
			if (inPosition && done && !table.listedShards.isEmpty()) {
				complete(table, now);
			}
			else {
				stillOpen = true;
			}
		}
		this.open = stillOpen;
	}

	private void complete(Table table, long now) {
		table.completedAt = Instant.ofEpochMilli(now);
		long millis = Math.max(1, now - table.startedMillis);
		logger.info(String.format(Locale.ROOT, "Stream '%s' copied %s: %,d rows in %s (%,d rows/s)%s",
				this.container.getId(), table.logName(), table.copied, duration(Duration.ofMillis(millis)),
				Math.round(table.copied * 1000.0 / millis), table.resumed ? " since the resumed primary key" : ""));
	}

	/** A duration for a log line: {@code 45 s}, {@code 12 min}, {@code 3 h 20 min}. */
	static String duration(Duration duration) {
		long seconds = Math.max(0, duration.toSeconds());
		if (seconds < 120) {
			return seconds + " s";
		}
		if (seconds < 7200) {
			return (seconds / 60) + " min";
		}
		return (seconds / 3600) + " h " + (seconds % 3600 / 60) + " min";
	}

	/** One table: written by the stream thread, read by any. */
	private static final class Table {

		final String keyspace;

		final String table;

		final long startedMillis;

		final boolean resumed;

		final @Nullable StreamPosition position;

		volatile long copied;

		volatile @Nullable Long estimate;

		volatile double rate;

		volatile @Nullable Instant completedAt;

		/** Rows of the transaction in hand (stream thread only). */
		int pending;

		/** The shards whose position listed the table as copying (stream thread only). */
		final Set<String> listedShards = new HashSet<>();

		long estimatedAt;

		/** Times (ms) and counts, about one a second, over the rate window. */
		private final ArrayDeque<long[]> samples = new ArrayDeque<>();

		Table(String keyspace, String table, long startedMillis, @Nullable Long estimate, boolean resumed,
				@Nullable StreamPosition position) {
			this.keyspace = keyspace;
			this.table = table;
			this.startedMillis = startedMillis;
			this.estimate = estimate;
			this.estimatedAt = startedMillis;
			this.resumed = resumed;
			this.position = position;
			this.samples.add(new long[] { startedMillis, 0 });
		}

		void sample(long now) {
			long[] last = this.samples.peekLast();
			if (now - last[0] >= SAMPLE_MILLIS) {
				this.samples.add(new long[] { now, this.copied });
			}
			// Keep the newest sample older than the window as the oldest.
			while (this.samples.size() > 2 && now - second()[0] >= RATE_WINDOW.toMillis()) {
				this.samples.pollFirst();
			}
			long[] first = this.samples.peekFirst();
			if (now - first[0] >= SAMPLE_MILLIS) {
				this.rate = (this.copied - first[1]) * 1000.0 / (now - first[0]);
			}
		}

		private long[] second() {
			Iterator<long[]> iterator = this.samples.iterator();
			iterator.next();
			return iterator.next();
		}

		@Nullable Duration remaining() {
			if (this.completedAt != null) {
				return Duration.ZERO;
			}
			Long total = this.estimate;
			double perSecond = this.rate;
			long copiedRows = this.copied;
			if (total == null || perSecond <= 0 || copiedRows >= total) {
				return null;
			}
			return Duration.ofSeconds((long) Math.ceil((total - copiedRows) / perSecond));
		}

		CopyProgress snapshot() {
			Instant completed = this.completedAt;
			return new CopyProgress(this.keyspace, this.table, completed != null, this.copied, this.estimate, this.rate,
					remaining(), Instant.ofEpochMilli(this.startedMillis), completed, this.resumed);
		}

		String logName() {
			return LogSafeText.of(this.keyspace, 64) + "." + LogSafeText.of(this.table, 64);
		}

		/**
		 * {@code Stream 'x' copying commerce.corder: 120,000 of ~1,000,000 rows (12 %),
		 * 45,000 rows/s, ~20 s left}.
		 */
		String describe(String id) {
			CopyProgress progress = snapshot();
			StringBuilder line = new StringBuilder("Stream '").append(id).append("' copying ").append(logName());
			line.append(String.format(Locale.ROOT, ": %,d", progress.rowsCopied()));
			if (progress.estimatedRows() != null) {
				line.append(String.format(Locale.ROOT, " of ~%,d rows (%d %%)", progress.estimatedRows(),
						progress.percent()));
			}
			else {
				line.append(" rows (no estimate)");
			}
			line.append(String.format(Locale.ROOT, ", %,d rows/s", Math.round(progress.rowsPerSecond())));
			Duration remaining = progress.remaining();
			line.append((remaining != null) ? ", ~" + duration(remaining) + " left" : ", time left unknown");
			if (this.resumed) {
				line.append(" (resumed: rows copied before this start not counted)");
			}
			return line.toString();
		}

	}

}
