package dev.vstream.position;

import java.util.Objects;

import binlogdata.Binlogdata.KeyspaceShard;
import binlogdata.Binlogdata.ShardGtid;

/**
 * One shard of a keyspace, written {@code keyspace/shard} (for example
 * {@code customer/-80}), as in logs, lock keys and the ids of single-shard streams
 * ({@code <streamId>@<keyspace>/<shard>}). Keyspace names contain no {@code /} and shard
 * names no {@code @}, so both forms parse back unambiguously.
 *
 * @param keyspace the keyspace
 * @param shard the shard name (for example {@code -80}, or {@code 0} for an unsharded
 * keyspace)
 */
public record ShardKey(String keyspace, String shard) {

	public ShardKey {
		Objects.requireNonNull(keyspace, "keyspace");
		Objects.requireNonNull(shard, "shard");
	}

	/**
	 * The shard of a shard position.
	 * @param position the position of one shard
	 * @return its shard
	 */
	public static ShardKey of(ShardPosition position) {
		return new ShardKey(position.keyspace(), position.shard());
	}

	/**
	 * The shard of one entry of a VGtid.
	 * @param shardGtid the entry
	 * @return its shard
	 */
	public static ShardKey of(ShardGtid shardGtid) {
		return new ShardKey(shardGtid.getKeyspace(), shardGtid.getShard());
	}

	/**
	 * The shard of a journal participant.
	 * @param keyspaceShard the participant
	 * @return its shard
	 */
	public static ShardKey of(KeyspaceShard keyspaceShard) {
		return new ShardKey(keyspaceShard.getKeyspace(), keyspaceShard.getShard());
	}

	/**
	 * Parse {@code keyspace/shard}.
	 * @param text the text, as {@link #toString()} writes it
	 * @return the shard
	 * @throws IllegalArgumentException when the text has no {@code /}
	 */
	public static ShardKey parse(String text) {
		int slash = text.indexOf('/');
		if (slash < 0) {
			throw new IllegalArgumentException("'" + text + "' is not of the form keyspace/shard");
		}
		return new ShardKey(text.substring(0, slash), text.substring(slash + 1));
	}

	/**
	 * The shard a single-shard stream streams, from its id.
	 * @param shardStreamId the id, as {@link #shardStreamId(String)} writes it
	 * @return the shard
	 * @throws IllegalArgumentException when the id is not of the form
	 * {@code <streamId>@<keyspace>/<shard>}
	 */
	public static ShardKey ofShardStreamId(String shardStreamId) {
		int at = shardStreamId.lastIndexOf('@');
		if (at < 0) {
			throw new IllegalArgumentException("'" + shardStreamId + "' is not of the form streamId@keyspace/shard");
		}
		return parse(shardStreamId.substring(at + 1));
	}

	/**
	 * The id of the stream of this shard alone, also the key of its position.
	 * @param streamId the id of the stream the shard belongs to
	 * @return {@code <streamId>@<keyspace>/<shard>}
	 */
	public String shardStreamId(String streamId) {
		return streamId + "@" + this;
	}

	/**
	 * @return {@code keyspace/shard}
	 */
	@Override
	public String toString() {
		return this.keyspace + "/" + this.shard;
	}

}
