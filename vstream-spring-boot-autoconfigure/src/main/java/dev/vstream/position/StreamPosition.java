package dev.vstream.position;

import java.util.List;
import java.util.Objects;

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
 * The JSON form ({@link #toJson()} / {@link #fromJson(String)}) is protobuf's canonical
 * JSON mapping of {@code VGtid}, so stored positions stay readable and survive proto
 * field additions.
 */
public final class StreamPosition {

	private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

	private static final JsonFormat.Parser PARSER = JsonFormat.parser();

	private final VGtid vgtid;

	private StreamPosition(VGtid vgtid) {
		this.vgtid = Objects.requireNonNull(vgtid, "vgtid");
	}

	/**
	 * Wrap a VGtid received from vtgate.
	 * @param vgtid the vtgate position
	 * @return the position
	 */
	public static StreamPosition of(VGtid vgtid) {
		return new StreamPosition(vgtid);
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
			VGtid.Builder builder = VGtid.newBuilder();
			PARSER.merge(json, builder);
			VGtid parsed = builder.build();
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
			return new StreamPosition(parsed);
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
		try {
			return PRINTER.print(this.vgtid);
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

	@Override
	public boolean equals(Object other) {
		return (other instanceof StreamPosition that) && this.vgtid.equals(that.vgtid);
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
		return text.toString();
	}

	private static String abbreviate(String text) {
		return PositionSyntax.quoted(text);
	}

}
