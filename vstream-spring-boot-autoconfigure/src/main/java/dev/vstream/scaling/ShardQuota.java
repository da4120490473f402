package dev.vstream.scaling;

/**
 * How many free shards an instance takes at one check in shard-distributed mode: up to
 * its fair share, {@code ceil(shards / instances)}, where the instances are those the
 * lock store shows holding a shard, this one included (an instance holding none is
 * invisible to the others); never beyond the configured maximum; and at most one while
 * the instance is warming up (its first lease after it started), so that instances
 * starting together see each other holding shards before any takes its full share.
 *
 * <p>
 * Past the warm-up, the instances that hold shards can together take every free shard in
 * one check each: their fair shares add up to at least the number of shards. A crashed
 * instance's shards are therefore taken over one check after its locks expired, whatever
 * their number, unless the maximum leaves no room.
 *
 * @param shards the number of shards of the stream
 * @param instances the instances holding a shard, this one included (at least 1)
 * @param maxShards the most shards one instance streams, 0 for no limit
 * @param warmingUp whether this instance is in its warm-up
 */
record ShardQuota(int shards, int instances, int maxShards, boolean warmingUp) {

	ShardQuota {
		if (instances < 1) {
			throw new IllegalArgumentException("instances must be at least 1, not " + instances);
		}
	}

	/**
	 * @return the fair share of one instance: {@code ceil(shards / instances)}, capped by
	 * the maximum
	 */
	int fairShare() {
		int fair = -Math.floorDiv(-this.shards, this.instances);
		return (this.maxShards > 0) ? Math.min(fair, this.maxShards) : fair;
	}

	/**
	 * How many free shards to take now.
	 * @param owned the shards this instance streams now
	 * @return the number, 0 or more
	 */
	int toTake(int owned) {
		int room = fairShare() - owned;
		return Math.max(0, this.warmingUp ? Math.min(room, 1) : room);
	}

}
