package dev.vstream.position;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.TableLastPK;
import binlogdata.Binlogdata.VGtid;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import org.jspecify.annotations.Nullable;

/**
 * An immutable position in a VStream: vtgate's {@code VGtid}, one entry per keyspace and
 * shard, including the copy phase's last primary keys ({@code table_p_ks}). Resuming a
 * stream from a position delivers exactly the changes after it.
 *
 * <p>
 * A position the stream reached also says which listened tables it covers
 * ({@link #coveredTables()}): per keyspace, the tables whose existing rows were delivered
 * (or, by configuration, not wanted) and whose every change up to the position was. A
 * listened table that a saved position does not cover was added (or had no listener for a
 * while): its rows are copied first, or a warning names it.
 *
 * <p>
 * The JSON form ({@link #toJson()} / {@link #fromJson(String)}) is protobuf's canonical
 * JSON mapping of {@code VGtid}, so stored positions stay readable and survive proto
 * field additions, with one more field when the covered tables are known:
 * {@code "coveredTables":[{"keyspace":"commerce","tables":["corder"],"copying":["customer"]}]}
 * (see {@link StoredPositionFormat}).
 */
public final class StreamPosition {

	private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

	private static final JsonFormat.Parser PARSER = JsonFormat.parser();

	private final VGtid vgtid;

	private final @Nullable Map<String, Set<String>> coveredTables;

	private final Map<String, Set<String>> copyingTables;

	// Printed once: a stream saves the position it reached and compares with it at the
	// next save. Racy but benign: every thread computes the same text.
	private @Nullable String json;

	private StreamPosition(VGtid vgtid, @Nullable Map<String, Set<String>> coveredTables,
			Map<String, Set<String>> copyingTables) {
		this.vgtid = Objects.requireNonNull(vgtid, "vgtid");
		this.coveredTables = coveredTables;
		this.copyingTables = copyingTables;
	}

	/**
	 * Wrap a VGtid received from vtgate; the tables it covers are not known.
	 * @param vgtid the vtgate position
	 * @return the position
	 */
	public static StreamPosition of(VGtid vgtid) {
		return new StreamPosition(vgtid, null, Map.of());
	}

	/**
	 * This position, saying which tables it covers.
	 * @param tables per keyspace, the listened tables covered; {@code null} for unknown
	 * @return the position
	 */
	public StreamPosition withCoveredTables(@Nullable Map<String, ? extends Collection<String>> tables) {
		return withCoveredTables(tables, Map.of());
	}

	/**
	 * This position, saying which tables it covers and which it is copying.
	 * @param tables per keyspace, the listened tables covered; {@code null} for unknown
	 * @param copying per keyspace, the listened tables whose copy is under way (see
	 * {@link #copyingTables()}); ignored when the covered tables are unknown
	 * @return the position
	 */
	public StreamPosition withCoveredTables(@Nullable Map<String, ? extends Collection<String>> tables,
			Map<String, ? extends Collection<String>> copying) {
		if (tables == null) {
			return (this.coveredTables == null) ? this : new StreamPosition(this.vgtid, null, Map.of());
		}
		Map<String, Set<String>> covered = sorted(tables);
		Map<String, Set<String>> copied = sorted(copying);
		return (covered.equals(this.coveredTables) && copied.equals(this.copyingTables)) ? this
				: new StreamPosition(this.vgtid, covered, copied);
	}

	private static Map<String, Set<String>> sorted(Map<String, ? extends Collection<String>> tables) {
		Map<String, Set<String>> copy = new TreeMap<>();
		tables.forEach((keyspace, names) -> copy.put(keyspace, Collections.unmodifiableSet(new TreeSet<>(names))));
		return Collections.unmodifiableMap(copy);
	}

	/**
	 * This position, covering the tables another one covers (without copying them).
	 * @param other the position whose covered tables to take
	 * @return the position
	 */
	public StreamPosition withCoveredTablesOf(StreamPosition other) {
		return (Objects.equals(this.coveredTables, other.coveredTables)
				&& this.copyingTables.equals(other.copyingTables)) ? this
						: new StreamPosition(this.vgtid, other.coveredTables, other.copyingTables);
	}

	/**
	 * The listened tables whose copy this position's stream had begun, or was about to
	 * begin, and not finished: per keyspace (only those with such tables). A resumed
	 * start copies them on whatever {@code vstream.copy-new-tables} says, since they are
	 * no tables added later.
	 * @return the tables, empty when none or unknown
	 */
	public Map<String, Set<String>> copyingTables() {
		return this.copyingTables;
	}

	/**
	 * The listened tables this position covers: per keyspace (sorted), the tables
	 * (sorted) whose existing rows were delivered, or were not wanted by configuration,
	 * and whose every change up to this position was. A table being copied is not covered
	 * until its copy ends on every shard of its keyspace.
	 * @return the tables, or {@code null} when unknown (a position saved by an earlier
	 * version, given by hand or made from a reshard's journal elsewhere)
	 */
	public @Nullable Map<String, Set<String>> coveredTables() {
		return this.coveredTables;
	}

	/**
	 * Check a position vtgate sent, before it is handed to listeners or saved: always its
	 * size (shards and GTID set lengths, as for a stored position), and the names and
	 * GTID syntax of its shards whenever they are not those of the previous one (a stream
	 * receives a position with every transaction, and its shards change only with a
	 * reshard).
	 * @param vgtid the position received
	 * @param previous the position checked before on the same connection, if any
	 * @return whether its shards are not those of the previous position (the first
	 * position of a connection, or a reshard): then their names were checked too
	 * @throws IllegalArgumentException naming what is wrong
	 */
	public static boolean checkReceived(VGtid vgtid, @Nullable VGtid previous) {
		int count = vgtid.getShardGtidsCount();
		if (previous == null || count != previous.getShardGtidsCount() || count > PositionSyntax.MAX_SHARDS) {
			PositionSyntax.check(vgtid);
			return true;
		}
		long total = 0;
		for (int i = 0; i < count; i++) {
			ShardGtid shard = vgtid.getShardGtids(i);
			ShardGtid before = previous.getShardGtids(i);
			if (!shard.getShard().equals(before.getShard()) || !shard.getKeyspace().equals(before.getKeyspace())) {
				PositionSyntax.check(vgtid);
				return true;
			}
			if (shard.getGtid().length() > PositionSyntax.MAX_GTID_LENGTH) {
				PositionSyntax.check(vgtid);
			}
			total += shard.getGtid().length();
		}
		PositionSyntax.checkTotal(total);
		return false;
	}

	/**
	 * Parse the JSON form written by {@link #toJson()}.
	 * @param json the stored JSON
	 * @return the position
	 * @throws IllegalArgumentException if the text is not a stored VGtid
	 */
	public static StreamPosition fromJson(String json) {
		if (json == null || json.isBlank()) {
			throw new IllegalArgumentException("Stored position is empty");
		}
		try {
			StoredPositionFormat.Parsed stored = StoredPositionFormat.parse(json, PARSER);
			VGtid parsed = stored.vgtid();
			if (parsed.getShardGtidsCount() == 0) {
				throw new IllegalArgumentException("Stored position has no shard positions: " + abbreviate(json));
			}
			for (ShardGtid shardGtid : parsed.getShardGtidsList()) {
				if (shardGtid.getKeyspace().isEmpty()) {
					throw new IllegalArgumentException(
							"Stored position has a shard without keyspace: " + abbreviate(json));
				}
			}
			try {
				PositionSyntax.check(parsed);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("Stored position is refused: " + ex.getMessage(), ex);
			}
			return new StreamPosition(parsed, null, Map.of()).withCoveredTables(stored.coveredTables(),
					stored.copyingTables());
		}
		catch (InvalidProtocolBufferException | RuntimeException ex) {
			if (ex instanceof IllegalArgumentException iae && iae.getMessage() != null
					&& iae.getMessage().startsWith("Stored position")) {
				throw iae;
			}
			throw new IllegalArgumentException("Stored position is not a valid VGtid: " + abbreviate(json), ex);
		}
	}

	/**
	 * The vtgate representation, sent back in a {@code VStreamRequest} to resume.
	 * @return the VGtid
	 */
	public VGtid toVGtid() {
		return this.vgtid;
	}

	/**
	 * The canonical JSON form, as stored by offset repositories.
	 * @return JSON text
	 */
	public String toJson() {
		String json = this.json;
		if (json != null) {
			return json;
		}
		try {
			json = (this.coveredTables != null)
					? StoredPositionFormat.print(this.vgtid, this.coveredTables, this.copyingTables, PRINTER)
					: PRINTER.print(this.vgtid);
			this.json = json;
			return json;
		}
		catch (InvalidProtocolBufferException ex) {
			throw new IllegalStateException("Cannot print VGtid", ex);
		}
	}

	/**
	 * The per-shard positions.
	 * @return one entry per keyspace and shard
	 */
	public List<ShardPosition> shards() {
		return this.vgtid.getShardGtidsList()
			.stream()
			.map((sg) -> new ShardPosition(sg.getKeyspace(), sg.getShard(), sg.getGtid(),
					sg.getTablePKsList().stream().map(TableLastPK::getTableName).toList()))
			.toList();
	}

	/**
	 * Whether any shard is still in its copy phase.
	 * @return {@code true} while existing rows are being copied
	 */
	public boolean isCopying() {
		return shards().stream().anyMatch(ShardPosition::isCopying);
	}

	/**
	 * Whether the other position is the same place in the stream: the same VGtid,
	 * whatever tables either says it covers (see {@link #isSameAs}).
	 */
	@Override
	public boolean equals(Object other) {
		return (other instanceof StreamPosition that) && this.vgtid.equals(that.vgtid);
	}

	/**
	 * Whether this position is the other one and covers the same tables: {@link #equals}
	 * compares the place in the stream only.
	 * @param other the other position
	 * @return whether both are the same, covered tables included
	 */
	public boolean isSameAs(@Nullable StreamPosition other) {
		return equals(other) && Objects.equals(this.coveredTables, other.coveredTables)
				&& this.copyingTables.equals(other.copyingTables);
	}

	@Override
	public int hashCode() {
		return this.vgtid.hashCode();
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder();
		for (ShardPosition shard : shards()) {
			if (!text.isEmpty()) {
				text.append('|');
			}
			// Printed in log lines: a GTID set from vtgate is checked only for its size
			// while the shards stay the same, and positions made here (from a journal)
			// are not checked at all.
			text.append(LogSafeText.of(shard.keyspace(), 64))
				.append(':')
				.append(LogSafeText.of(shard.shard(), 64))
				.append('@')
				.append(LogSafeText.of(shard.gtid(), PositionSyntax.MAX_GTID_LENGTH));
			if (!shard.copyingTables().isEmpty()) {
				text.append(" copying ").append(LogSafeText.of(shard.copyingTables().toString(), 2000));
			}
		}
		if (this.coveredTables != null) {
			text.append(" covering ").append(LogSafeText.of(this.coveredTables.toString(), 2000));
			if (!this.copyingTables.isEmpty()) {
				text.append(", copying ").append(LogSafeText.of(this.copyingTables.toString(), 2000));
			}
		}
		return text.toString();
	}

	private static String abbreviate(String text) {
		return PositionSyntax.quoted(text);
	}

}
