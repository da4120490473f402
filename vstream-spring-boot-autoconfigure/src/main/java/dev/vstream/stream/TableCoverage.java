package dev.vstream.stream;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.TableLastPK;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import org.jspecify.annotations.Nullable;

/**
 * Which listened tables a position covers ({@link StreamPosition#coveredTables()}), and
 * which of them one connection copies before it streams them.
 *
 * <p>
 * A listened table that the position it resumes from does not cover (its listener was
 * added, or removed and added back, since the position was saved) is copied first, as a
 * first start would copy it, when {@code vstream.copy-new-tables} is on (the default),
 * the stream copies ({@code vstream.start-position=copy}) and
 * {@code vstream.tables-to-copy} names it or is empty. vtgate copies a table that a
 * shard's position lists in its {@code table_p_ks} without a last primary key, after
 * catching up from the shard's GTID set; it copies every table of the filter that
 * {@code tables_to_copy} allows, so the request then names exactly the tables to copy
 * ({@code uvstreamer.go buildTablePlan}). Otherwise the table is covered at once: its
 * changes from the position on are streamed.
 *
 * <p>
 * A table being copied is covered only once every shard of its keyspace sent its
 * {@code COPY_COMPLETED}: a position saved in the middle of its copy does not cover it,
 * and the next start copies it on (from the saved last primary key, or from the start
 * where the shard had not begun it). A position whose covered tables are not known (saved
 * by an earlier version, given by hand, or the configured start) covers every listened
 * table, except the tables its shards are still copying.
 *
 * <p>
 * One instance per connection, used on the stream's thread.
 */
final class TableCoverage {

	/** Why a new table is not copied. */
	enum Skip {

		/** {@code vstream.copy-new-tables=false}. */
		DISABLED,

		/**
		 * The stream does not copy it ({@code start-position=current},
		 * {@code tables-to-copy}).
		 */
		NOT_COPIED

	}

	/** Per keyspace, the tables covered (mutable sets). */
	private final Map<String, Set<String>> covered = new TreeMap<>();

	/** Per keyspace, the tables that are covered once its shards copied them. */
	private final Map<String, Set<String>> pending = new TreeMap<>();

	/** Per keyspace, the new tables the request names for vtgate to copy. */
	private final Map<String, Set<String>> added = new TreeMap<>();

	/** Per keyspace, the shards that copy on this connection and did not finish. */
	private final Map<String, Set<String>> copyingShards = new TreeMap<>();

	/** Per new table not copied ({@code keyspace.table}), why. */
	private final Map<String, Skip> skipped = new TreeMap<>();

	/** Whether the position did not say which tables it covers. */
	private final boolean unknown;

	private StreamPosition snapshot;

	private TableCoverage(StreamPosition from, Map<String, Set<String>> listened, VStreamSettings settings,
			boolean copyNewTables) {
		Map<String, Set<String>> known = from.coveredTables();
		this.unknown = known == null;
		for (Map.Entry<String, Set<String>> entry : listened.entrySet()) {
			String keyspace = entry.getKey();
			Set<String> tables = entry.getValue();
			Set<String> copied = copiedTables(settings.tablesToCopy(), keyspace, tables);
			List<ShardGtid> shards = from.toVGtid()
				.getShardGtidsList()
				.stream()
				.filter((s) -> s.getKeyspace().equals(keyspace))
				.toList();
			Set<String> underWay = new TreeSet<>();
			Set<String> copyingShards = new TreeSet<>();
			for (ShardGtid shard : shards) {
				if (shard.getGtid().isEmpty() || shard.getTablePKsCount() > 0) {
					copyingShards.add(shard.getShard());
				}
				for (TableLastPK table : shard.getTablePKsList()) {
					underWay.add(table.getTableName());
				}
			}
			Set<String> covered = new TreeSet<>(tables);
			Set<String> pending = new TreeSet<>();
			Set<String> keyspaceKnown = (known != null) ? known.get(keyspace) : null;
			if (keyspaceKnown == null) {
				// vtgate copies what the shards' positions say, as it always did.
				if (!copyingShards.isEmpty()) {
					covered.removeAll(copied);
					pending.addAll(copied);
				}
			}
			else {
				covered.retainAll(keyspaceKnown);
				Set<String> copy = new TreeSet<>();
				for (String table : tables) {
					if (keyspaceKnown.contains(table)) {
						continue;
					}
					if (underWay.contains(table)) {
						// A copy under way is finished whatever the settings say now.
						copy.add(table);
					}
					else if (!copyNewTables) {
						this.skipped.put(keyspace + "." + table, Skip.DISABLED);
						covered.add(table);
					}
					else if (settings.startPosition() != StartPosition.COPY || !copied.contains(table)) {
						this.skipped.put(keyspace + "." + table, Skip.NOT_COPIED);
						covered.add(table);
					}
					else {
						copy.add(table);
					}
				}
				if (!copy.isEmpty()) {
					pending.addAll(copy);
					this.added.put(keyspace, copy);
					shards.forEach((shard) -> copyingShards.add(shard.getShard()));
				}
			}
			this.covered.put(keyspace, covered);
			if (!pending.isEmpty()) {
				this.pending.put(keyspace, pending);
				this.copyingShards.put(keyspace, copyingShards);
			}
		}
		this.snapshot = tagged(from);
	}

	/**
	 * The coverage of a connection that resumes from a position.
	 * @param from the position
	 * @param listened per streamed keyspace, its listened tables
	 * @param settings the stream's settings
	 * @param copyNewTables whether tables the position does not cover are copied
	 * @return the coverage
	 */
	static TableCoverage of(StreamPosition from, Map<String, Set<String>> listened, VStreamSettings settings,
			boolean copyNewTables) {
		return new TableCoverage(from, listened, settings, copyNewTables);
	}

	/**
	 * The tables of a keyspace that {@code vstream.tables-to-copy} lets the copy phase
	 * copy: a bare name counts in every keyspace, {@code keyspace.table} in its keyspace;
	 * an empty list copies every listened table.
	 */
	static Set<String> copiedTables(List<String> entries, String keyspace, Set<String> tables) {
		if (entries.isEmpty()) {
			return new TreeSet<>(tables);
		}
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
	 * @return per keyspace, the new tables the request asks vtgate to copy (empty when
	 * none)
	 */
	Map<String, Set<String>> added() {
		return Collections.unmodifiableMap(this.added);
	}

	/**
	 * @return the new tables that are not copied ({@code keyspace.table}), and why
	 */
	Map<String, Skip> skipped() {
		return Collections.unmodifiableMap(this.skipped);
	}

	/**
	 * @return whether the position did not say which tables it covers
	 */
	boolean isUnknown() {
		return this.unknown;
	}

	/**
	 * @return whether this connection copies new tables
	 */
	boolean isCopyingNewTables() {
		return !this.added.isEmpty();
	}

	/**
	 * A position vtgate sent, with the tables covered now.
	 * @param received the position
	 * @return the position covering them
	 */
	StreamPosition tag(StreamPosition received) {
		return received.withCoveredTablesOf(this.snapshot);
	}

	/**
	 * A shard (or, without keyspace and shard, every shard) finished its copy phase.
	 * @param keyspace the keyspace, empty for all
	 * @param shard the shard, empty for all
	 * @return whether tables became covered
	 */
	boolean copyCompleted(String keyspace, String shard) {
		Set<String> done = new HashSet<>();
		if (keyspace.isEmpty() && shard.isEmpty()) {
			done.addAll(this.pending.keySet());
		}
		else {
			Set<String> shards = this.copyingShards.get(keyspace);
			// A keyspace-wide entry ("" shard) ends with vtgate's final COPY_COMPLETED.
			if (shards != null && shards.remove(shard) && shards.isEmpty()) {
				done.add(keyspace);
			}
		}
		boolean changed = false;
		for (String keyspaceDone : done) {
			Set<String> tables = this.pending.remove(keyspaceDone);
			this.copyingShards.remove(keyspaceDone);
			if (tables != null && this.covered.get(keyspaceDone).addAll(tables)) {
				changed = true;
			}
		}
		if (changed) {
			this.snapshot = tagged(this.snapshot);
		}
		return changed;
	}

	private StreamPosition tagged(StreamPosition position) {
		Map<String, Set<String>> copy = new LinkedHashMap<>();
		this.covered.forEach((keyspace, tables) -> copy.put(keyspace, Set.copyOf(tables)));
		return position.withCoveredTables(copy);
	}

	/**
	 * @return per keyspace, the tables covered now
	 */
	@Nullable Map<String, Set<String>> covered() {
		return this.snapshot.coveredTables();
	}

}
