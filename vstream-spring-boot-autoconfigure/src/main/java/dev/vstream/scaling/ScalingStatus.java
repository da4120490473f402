package dev.vstream.scaling;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Who streams what, as one instance sees it.
 *
 * @param streamId the stream
 * @param mode the scaling mode
 * @param instanceId the id of this instance
 * @param shards one entry per lock: per shard in shard-distributed mode, one for the
 * whole stream in active-standby mode
 */
public record ScalingStatus(String streamId, ScalingMode mode, String instanceId, List<Ownership> shards) {

	public ScalingStatus {
		shards = List.copyOf(shards);
	}

	/**
	 * The owner of one lock.
	 *
	 * @param keyspace the keyspace, empty for a whole stream (active-standby)
	 * @param shard the shard, empty for a whole stream (active-standby)
	 * @param owner the instance holding the lock, {@code null} when nobody does
	 * @param ownedHere whether this instance holds it
	 * @param state the state of this instance's stream of it, {@code null} when not
	 * streamed here
	 */
	public record Ownership(String keyspace, String shard, @Nullable String owner, boolean ownedHere,
			@Nullable String state) {

	}

}
