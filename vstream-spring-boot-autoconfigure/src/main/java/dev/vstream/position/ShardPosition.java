package dev.vstream.position;

import java.util.List;

/**
 * The position of one shard inside a {@link StreamPosition}.
 *
 * @param keyspace the keyspace
 * @param shard the shard name (for example {@code -80}), empty when the whole keyspace is
 * meant
 * @param gtid the GTID set reached on that shard, empty for "copy from the start",
 * {@code current} for "from now"
 * @param copyingTables tables of that shard whose copy phase is not finished, with a last
 * primary key saved (empty outside the copy phase)
 */
public record ShardPosition(String keyspace, String shard, String gtid, List<String> copyingTables) {

	public ShardPosition {
		copyingTables = List.copyOf(copyingTables);
	}

	/**
	 * Whether this shard is still in its copy phase (rows that existed before the stream
	 * started).
	 * @return {@code true} while tables of this shard are being copied
	 */
	public boolean isCopying() {
		return this.gtid.isEmpty() || !this.copyingTables.isEmpty();
	}

}
