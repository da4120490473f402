package dev.vstream.scaling;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Lock;

import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.ShardKey;
import dev.vstream.position.StreamPosition;
import dev.vstream.stream.VStreamContainer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.integration.support.locks.RenewableLockRegistry;

/**
 * How a {@link ShardDistributedCoordinator} looks for free shards and takes one: the
 * shard's lock, then a single-shard stream with its saves fenced by that lock. Called on
 * the coordinator's thread only, which holds the locks.
 */
final class ShardClaims {

	// The coordinator's log category, which the operators of a shard-distributed stream
	// follow.
	private static final Log logger = LogFactory.getLog(ShardDistributedCoordinator.class);

	private final VStreamContainer template;

	private final RenewableLockRegistry<?> locks;

	private final LockFence fence;

	private final OffsetRepository offsets;

	private final ReshardHandover handover;

	ShardClaims(VStreamContainer template, RenewableLockRegistry<?> locks, LockFence fence, OffsetRepository offsets,
			ReshardHandover handover) {
		this.template = template;
		this.locks = locks;
		this.fence = fence;
		this.offsets = offsets;
		this.handover = handover;
	}

	/**
	 * Ask the lock store who holds the given shards.
	 * @param candidates shards this instance does not stream
	 * @return the free ones (also those held under this instance's id by an earlier
	 * process), and how many instances hold shards (this one included)
	 */
	Survey survey(List<ShardKey> candidates) {
		List<ShardKey> free = new ArrayList<>();
		Set<String> holders = new HashSet<>();
		holders.add(this.fence.instanceId());
		for (ShardKey shard : candidates) {
			String owner = this.fence.owner(lockKey(shard));
			// Held under this instance's id but not streamed here: left by an earlier
			// process with the same configured id, which the store lets this one take.
			if (owner == null || owner.equals(this.fence.instanceId())) {
				free.add(shard);
			}
			else {
				holders.add(owner);
			}
		}
		return new Survey(free, holders.size());
	}

	/**
	 * Take a shard if its lock is free, and start its stream. The shard is kept even when
	 * its stream fails to start (an unreadable position): the failed stream is what
	 * health and the endpoint show, whereas a shard given up would be taken, and fail, at
	 * every instance in turn without anyone being told.
	 * @param shard the shard
	 * @return the lock and the stream (running, or failed with the reason), or
	 * {@code null} when the shard was not taken
	 */
	@Nullable Claim claim(ShardKey shard) {
		String lockKey = lockKey(shard);
		Lock lock = this.locks.obtain(lockKey);
		if (!lock.tryLock()) {
			return null;
		}
		String positionKey = shard.shardStreamId(this.template.getId());
		VStreamContainer container;
		Optional<StreamPosition> saved;
		try {
			this.fence.lockAcquired(lockKey);
			saved = savedPosition(positionKey);
			if (saved.isPresent() && ReshardHandover.handedOver(shard, saved.get())) {
				// Retired by a reshard whose other participants have not all reached the
				// journal yet.
				unlock(lock, shard);
				return null;
			}
			container = this.template.forShard(positionKey, shard.keyspace(), shard.shard(),
					this.fence.fenced(lockKey, this.offsets));
			container.setReshardHandler(this.handover);
		}
		catch (RuntimeException ex) {
			logger.warn("Stream '" + this.template.getId() + "' could not prepare shard " + shard + "; releasing it",
					ex);
			unlock(lock, shard);
			return null;
		}
		String taken = "Instance '" + this.fence.instanceId() + "' took shard " + shard + " of stream '"
				+ this.template.getId() + "'";
		try {
			container.start();
			logger.info(taken + saved.map((p) -> " at " + p).orElse(" (no saved position)"));
		}
		catch (RuntimeException ex) {
			logger.error(taken + " and keeps it, but its stream failed to start: " + ex.getMessage()
					+ " Its health is DOWN until the cause is fixed and the stream started through the endpoint.");
		}
		return new Claim(lock, container);
	}

	/**
	 * The shard's saved position, empty also when it cannot be read: the shard's stream
	 * then fails to start, saying why.
	 */
	private Optional<StreamPosition> savedPosition(String positionKey) {
		try {
			return this.offsets.load(positionKey);
		}
		catch (RuntimeException ex) {
			return Optional.empty();
		}
	}

	String lockKey(ShardKey shard) {
		return ShardDistributedCoordinator.lockKey(this.template.getId(), shard);
	}

	/**
	 * Release a lock this thread holds.
	 * @param lock the lock
	 * @param shard its shard, for the log
	 */
	static void unlock(Lock lock, ShardKey shard) {
		try {
			lock.unlock();
		}
		catch (RuntimeException ex) {
			// Expired or taken over meanwhile: the thread's hold is released all the
			// same.
			logger.debug("Lock of shard " + shard + " was no longer held: " + ex.getMessage());
		}
	}

	/**
	 * What the lock store says of the shards this instance does not stream.
	 *
	 * @param free the shards nobody holds
	 * @param holders the instances holding shards, this one included
	 */
	record Survey(List<ShardKey> free, int holders) {

	}

	/**
	 * A shard taken here.
	 *
	 * @param lock its lock, held by the coordinator's thread
	 * @param container its stream
	 */
	record Claim(Lock lock, VStreamContainer container) {

	}

}
