package dev.vstream.stream;

import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

import binlogdata.Binlogdata.Journal;
import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VGtid;
import dev.vstream.position.StreamPosition;
import io.grpc.Channel;
import io.grpc.Status;
import org.jspecify.annotations.Nullable;

/**
 * Checks each position vtgate sends on one connection before any row of its transaction
 * reaches a listener or the position is kept:
 * <ul>
 * <li>its size and, when its shards change, its syntax
 * ({@link StreamPosition#checkReceived}): a position that fails fails the stream;</li>
 * <li>when its shards change, that they are shards of their keyspaces
 * ({@link ShardMembership}): a position naming others ends the connection, and the stream
 * reconnects from the position before, since vtgate may list a reshard's new shards a
 * moment after it streams them;</li>
 * <li>that it covers exactly the listened keyspaces: one naming others cannot be resumed
 * from (start() would refuse it), and one missing a listened keyspace would lose that
 * keyspace's place, so the stream fails before it can be saved.</li>
 * </ul>
 */
final class ReceivedPositions {

	private final String id;

	/** The keyspaces this connection streams, which every VGTID must cover. */
	private final Set<String> keyspaces;

	private final ShardMembership shards;

	private final Checkpointer checkpointer;

	/** The last position received and checked on this connection. */
	private @Nullable VGtid lastChecked;

	/** The tables the positions of this connection cover. */
	private @Nullable TableCoverage coverage;

	ReceivedPositions(String id, Set<String> keyspaces, Channel channel, Checkpointer checkpointer) {
		this.id = id;
		this.keyspaces = new HashSet<>(keyspaces);
		this.shards = new ShardMembership(channel);
		this.checkpointer = checkpointer;
	}

	/**
	 * Say which tables the positions of this connection cover.
	 * @param coverage the connection's coverage
	 */
	void useCoverage(TableCoverage coverage) {
		this.coverage = coverage;
	}

	/**
	 * The connection resumes from a position: its shards are known (they were checked
	 * when it was stored, or vtgate sent them).
	 * @param from the position sent to vtgate
	 */
	void connecting(StreamPosition from) {
		this.shards.know(from.toVGtid().getShardGtidsList());
	}

	/**
	 * A reshard journal arrived: vtgate streams its new shards from here on.
	 * @param journal the journal
	 */
	void journal(Journal journal) {
		this.shards.know(journal.getShardGtidsList());
	}

	/**
	 * Check a position vtgate sent.
	 * @param vgtid the position
	 * @return the position, to be kept
	 * @throws VStreamException when the position fails the stream
	 * @throws io.grpc.StatusRuntimeException ({@code FAILED_PRECONDITION}) when it names
	 * shards that are not shards of its keyspaces: the stream reconnects
	 */
	StreamPosition check(VGtid vgtid) {
		boolean newShards;
		try {
			newShards = StreamPosition.checkReceived(vgtid, this.lastChecked);
		}
		catch (IllegalArgumentException ex) {
			throw new VStreamException("Stream '" + this.id + "' received a position it must not keep ("
					+ ex.getMessage() + "); stopped before it, at " + this.checkpointer.getPosition(), ex);
		}
		String refusal = newShards ? this.shards.refusal(vgtid) : null;
		if (refusal != null) {
			throw Status.FAILED_PRECONDITION
				.withDescription("vtgate sent a position the stream does not keep: " + refusal
						+ "; nothing of its transaction was delivered")
				.asRuntimeException();
		}
		this.lastChecked = vgtid;
		if (!coversExactly(vgtid)) {
			Set<String> covered = new TreeSet<>();
			for (ShardGtid shard : vgtid.getShardGtidsList()) {
				covered.add(shard.getKeyspace());
			}
			Set<String> wanted = new TreeSet<>(this.keyspaces);
			throw new VStreamException("Stream '" + this.id + "' received a VGTID covering keyspaces " + covered
					+ " but it streams " + wanted + "; stopped before it, at " + this.checkpointer.getPosition());
		}
		TableCoverage tables = this.coverage;
		return (tables != null) ? tables.tag(StreamPosition.of(vgtid)) : StreamPosition.of(vgtid);
	}

	/**
	 * Whether the VGtid's shards belong to exactly the connection's keyspaces. Checked
	 * for every transaction, so without a set of its own: every shard's keyspace is one
	 * of them, and (with several) each of them has a shard.
	 */
	private boolean coversExactly(VGtid vgtid) {
		int count = vgtid.getShardGtidsCount();
		for (int i = 0; i < count; i++) {
			if (!this.keyspaces.contains(vgtid.getShardGtids(i).getKeyspace())) {
				return false;
			}
		}
		if (this.keyspaces.size() == 1) {
			return count > 0;
		}
		for (String keyspace : this.keyspaces) {
			boolean found = false;
			for (int i = 0; i < count && !found; i++) {
				found = vgtid.getShardGtids(i).getKeyspace().equals(keyspace);
			}
			if (!found) {
				return false;
			}
		}
		return true;
	}

}
