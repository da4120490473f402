package dev.vstream.stream;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
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
 * A table being copied is covered only once its copy ended on every shard of its
 * keyspace: its last primary key left the shard's {@code table_p_ks} (vtgate lists it
 * there from its first copied batch on), or the shard sent its {@code COPY_COMPLETED}. A
 * position saved in the middle of its copy does not cover it, and the next start copies
 * it on (from the saved last primary key, or from its first row where the shard had not
 * begun it: vtgate sends positions without {@code table_p_ks} before a table's first
 * batch, which alone would resume after the copy). A position whose covered tables are
 * not known (saved by an earlier version, given by hand, or the configured start) covers
 * every listened table, except the tables its shards are still copying. A position also
 * names the tables whose copy its stream had begun or was about to begin
 * ({@link StreamPosition#copyingTables()}): a start resumes their copy whatever
 * {@code vstream.copy-new-tables} says.
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

	/** Per keyspace, its shards in the last position (received, or resumed from). */
	private final Map<String, Set<String>> shards = new HashMap<>();

	/** Per keyspace and shard, the tables its {@code table_p_ks} listed last. */
	private final Map<String, Map<String, Set<String>>> listed = new HashMap<>();

	/** Per keyspace and pending table, the shards that finished copying it. */
	private final Map<String, Map<String, Set<String>>> doneOn = new HashMap<>();

	/** The new tables copied ({@code keyspace.table}): not a copy begun before. */
	private final Set<String> newCopied = new TreeSet<>();

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
			Set<String> idleShards = new TreeSet<>();
			Map<String, Set<String>> listedNow = new HashMap<>();
			for (ShardGtid shard : shards) {
				if (!shard.getGtid().isEmpty() && shard.getTablePKsCount() == 0) {
					idleShards.add(shard.getShard());
				}
				listedNow.put(shard.getShard(), names(shard));
				underWay.addAll(names(shard));
			}
			Set<String> covered = new TreeSet<>(tables);
			Set<String> pending = new TreeSet<>();
			Set<String> keyspaceKnown = (known != null) ? known.get(keyspace) : null;
			if (keyspaceKnown == null) {
				// vtgate copies what the shards' positions say, as it always did; a shard
				// past its copy phase copies nothing.
				if (idleShards.size() < shards.size() && !copied.isEmpty()) {
					covered.removeAll(copied);
					pending.addAll(copied);
					Map<String, Set<String>> done = new HashMap<>();
					copied.forEach((table) -> done.put(table, new HashSet<>(idleShards)));
					this.doneOn.put(keyspace, done);
				}
			}
			else {
				// Tables of a copy begun before, also those vtgate had not started yet.
				underWay.addAll(from.copyingTables().getOrDefault(keyspace, Set.of()));
				covered.retainAll(keyspaceKnown);
				Set<String> copy = new TreeSet<>();
				Set<String> listedNowAll = new HashSet<>();
				listedNow.values().forEach(listedNowAll::addAll);
				for (String table : tables) {
					if (listedNowAll.contains(table)) {
						// vtgate resumes it whatever the position says it covers: the
						// request must name it, and not copy the others.
						covered.remove(table);
						copy.add(table);
						continue;
					}
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
						this.newCopied.add(keyspace + "." + table);
					}
				}
				if (!copy.isEmpty()) {
					pending.addAll(copy);
					this.added.put(keyspace, copy);
					Map<String, Set<String>> done = new HashMap<>();
					copy.forEach((table) -> done.put(table, new HashSet<>()));
					this.doneOn.put(keyspace, done);
				}
			}
			this.covered.put(keyspace, covered);
			if (!pending.isEmpty()) {
				this.pending.put(keyspace, pending);
				Set<String> shardNames = new HashSet<>();
				shards.forEach((shard) -> shardNames.add(shard.getShard()));
				this.shards.put(keyspace, shardNames);
				this.listed.put(keyspace, listedNow);
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
		return entries.isEmpty() ? new TreeSet<>(tables)
				: VStreamRequestFactory.tablesToCopy(entries, keyspace, tables);
	}

	/**
	 * @return per keyspace, the new tables the request asks vtgate to copy (empty when
	 * none)
	 */
	Map<String, Set<String>> added() {
		return Collections.unmodifiableMap(this.added);
	}

	/**
	 * @return the tables that are copied because the position neither covers them nor was
	 * copying them ({@code keyspace.table})
	 */
	Set<String> newCopied() {
		return Collections.unmodifiableSet(this.newCopied);
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
		if (!this.pending.isEmpty() && observe(received)) {
			this.snapshot = tagged(this.snapshot);
		}
		return received.withCoveredTablesOf(this.snapshot);
	}

	/**
	 * A table whose last primary key left a shard's {@code table_p_ks} is copied on that
	 * shard (vtgate lists a table there from its first copied batch until its copy
	 * ended); copied on every shard of its keyspace, it is covered.
	 */
	private boolean observe(StreamPosition received) {
		Map<String, Set<String>> shardsNow = new HashMap<>();
		for (ShardGtid shard : received.toVGtid().getShardGtidsList()) {
			String keyspace = shard.getKeyspace();
			Map<String, Set<String>> done = this.doneOn.get(keyspace);
			Map<String, Set<String>> listedOn = this.listed.get(keyspace);
			// Only keyspaces with tables still to copy are followed.
			if (done == null || listedOn == null) {
				continue;
			}
			shardsNow.computeIfAbsent(keyspace, (k) -> new HashSet<>()).add(shard.getShard());
			Set<String> now = names(shard);
			Set<String> before = listedOn.put(shard.getShard(), now);
			if (before != null) {
				for (String table : before) {
					if (!now.contains(table) && done.containsKey(table)) {
						done.get(table).add(shard.getShard());
					}
				}
			}
		}
		this.shards.putAll(shardsNow);
		boolean changed = false;
		for (String keyspace : shardsNow.keySet()) {
			changed |= coverCopied(keyspace);
		}
		return changed;
	}

	/** Cover the pending tables of a keyspace that every shard of it finished. */
	private boolean coverCopied(String keyspace) {
		Set<String> tables = this.pending.get(keyspace);
		Set<String> shardNames = this.shards.get(keyspace);
		Map<String, Set<String>> done = this.doneOn.get(keyspace);
		boolean changed = false;
		for (String table : List.copyOf(tables)) {
			if (done.get(table).containsAll(shardNames)) {
				tables.remove(table);
				done.remove(table);
				changed |= this.covered.get(keyspace).add(table);
			}
		}
		if (tables.isEmpty()) {
			this.pending.remove(keyspace);
			this.doneOn.remove(keyspace);
		}
		return changed;
	}

	private static Set<String> names(ShardGtid shard) {
		Set<String> names = new HashSet<>();
		for (TableLastPK table : shard.getTablePKsList()) {
			names.add(table.getTableName());
		}
		return names;
	}

	/**
	 * A shard (or, without keyspace and shard, every shard) finished its copy phase.
	 * @param keyspace the keyspace, empty for all
	 * @param shard the shard, empty for all
	 * @return whether tables became covered
	 */
	boolean copyCompleted(String keyspace, String shard) {
		boolean changed = false;
		if (keyspace.isEmpty() && shard.isEmpty()) {
			for (String pendingKeyspace : List.copyOf(this.pending.keySet())) {
				this.doneOn.get(pendingKeyspace)
					.values()
					.forEach((shards) -> shards.addAll(this.shards.get(pendingKeyspace)));
				changed |= coverCopied(pendingKeyspace);
			}
		}
		else if (this.pending.containsKey(keyspace)) {
			this.doneOn.get(keyspace).values().forEach((shards) -> shards.add(shard));
			changed = coverCopied(keyspace);
		}
		if (changed) {
			this.snapshot = tagged(this.snapshot);
		}
		return changed;
	}

	private StreamPosition tagged(StreamPosition position) {
		return position.withCoveredTables(this.covered, this.pending);
	}

	/**
	 * @return per keyspace, the tables covered now
	 */
	@Nullable Map<String, Set<String>> covered() {
		return this.snapshot.coveredTables();
	}

}
