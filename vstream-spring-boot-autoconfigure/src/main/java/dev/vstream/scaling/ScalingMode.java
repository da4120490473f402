package dev.vstream.scaling;

/**
 * How several instances of one application share a stream.
 */
public enum ScalingMode {

	/**
	 * Every instance streams everything on its own (one instance per stream id expected).
	 */
	SINGLE,

	/**
	 * One instance streams, holding a lock; the others wait on the lock and take over.
	 */
	ACTIVE_STANDBY,

	/** Each shard is owned by one instance at a time through a per-shard lock. */
	SHARD_DISTRIBUTED

}
