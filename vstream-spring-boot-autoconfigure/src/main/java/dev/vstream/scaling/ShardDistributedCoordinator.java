package dev.vstream.scaling;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.LogSafeText;
import dev.vstream.position.ShardKey;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.integration.support.locks.RenewableLockRegistry;

/**
 * Shard-distributed: each shard of the stream's keyspaces is owned by one instance at a
 * time through a per-shard lock ({@code vstream:<streamId>:<keyspace>/<shard>}), and each
 * instance streams the shards it owns, one {@link VStreamContainer#forShard single-shard
 * stream} each, with the position of each shard saved under
 * {@code <streamId>@<keyspace>/<shard>}, fenced by the shard's lock.
 *
 * <p>
 * One thread per coordinator does all lock work (the registries' locks belong to the
 * thread that took them): every check interval it renews the locks it holds, stops the
 * stream of a shard whose lock it lost, and takes shards nobody holds, up to its
 * {@link ShardQuota fair share} (one per check during its first lease, so that instances
 * starting together share the shards; never more than the configured maximum). A crashed
 * instance's locks expire after the lease; the others then take its shards over from the
 * saved positions, at their next check. A shard whose stream fails for another reason
 * than a lost lock (a listener error, an unreadable position, also at its start) is kept,
 * its lock renewed, until its stream is restarted or the instance stops.
 *
 * <p>
 * The shards are recorded under {@code <streamId>#shards} ({@link ShardRecord}), from
 * vtgate at the first start ({@link ShardDiscovery}) and from reshard journals
 * afterwards: each shard stream asks vtgate to stop at a reshard and hands its shard over
 * ({@link ReshardHandover}); instances then take the new shards like any other, and
 * release the retired ones.
 */
public class ShardDistributedCoordinator extends AbstractScalingCoordinator {

	private static final Log logger = LogFactory.getLog(ShardDistributedCoordinator.class);

	private final RenewableLockRegistry<?> locks;

	private final ShardRecord record;

	private final ShardClaims claims;

	private final Duration lease;

	private final Duration checkInterval;

	private final int maxShards;

	/** Checks of the warm-up, in which at most one free shard is taken per check. */
	private final long warmUpRounds;

	/** Checks since the start; written by the coordinator thread only. */
	private volatile long rounds;

	/** Shards streamed here; touched by the coordinator thread only, read by others. */
	private final Map<ShardKey, ShardClaims.Claim> owned = Collections.synchronizedMap(new LinkedHashMap<>());

	/**
	 * Streams of lost shards still finishing their work: not restarted until they
	 * stopped.
	 */
	private final Map<ShardKey, VStreamContainer> stopping = Collections.synchronizedMap(new LinkedHashMap<>());

	private volatile List<ShardKey> shards = List.of();

	private final Object lifecycleMonitor = new Object();

	private volatile boolean running;

	private @Nullable CoordinatorThread thread;

	/**
	 * Create a coordinator.
	 * @param template the stream whose listeners and settings each shard stream copies;
	 * never started itself
	 * @param locks the lock registry, with locks leased for {@code lease}
	 * @param fence the fence of that registry's store
	 * @param offsets where positions are saved (unfenced; each shard stream gets a fenced
	 * view)
	 * @param discovery lists the shards of a keyspace
	 * @param lease the lease of the locks: how long a crashed instance's shards stay
	 * unowned
	 * @param checkInterval how often locks are renewed and free shards looked for; well
	 * below the lease
	 * @param maxShards the most shards this instance streams, 0 for no limit
	 */
	public ShardDistributedCoordinator(VStreamContainer template, RenewableLockRegistry<?> locks, LockFence fence,
			OffsetRepository offsets, ShardDiscovery discovery, Duration lease, Duration checkInterval, int maxShards) {
		super(template, fence);
		this.locks = locks;
		this.record = new ShardRecord(template.getId(), offsets, discovery);
		this.claims = new ShardClaims(template, locks, fence, offsets,
				new ReshardHandover(template.getId(), offsets, this.record));
		this.lease = lease;
		this.checkInterval = checkInterval;
		this.maxShards = maxShards;
		this.warmUpRounds = Math.max(1, -Math.floorDiv(-lease.toMillis(), Math.max(1, checkInterval.toMillis())));
	}

	/**
	 * The lock of one shard of a stream.
	 * @param streamId the stream
	 * @param shardKey {@code keyspace/shard}
	 * @return the lock key
	 * @throws IllegalArgumentException when {@code shardKey} has no {@code /}
	 */
	public static String lockKey(String streamId, String shardKey) {
		return lockKey(streamId, ShardKey.parse(shardKey));
	}

	static String lockKey(String streamId, ShardKey shard) {
		return "vstream:" + streamId + ":" + shard;
	}

	/**
	 * The key of one shard's position.
	 * @param streamId the stream
	 * @param shardKey {@code keyspace/shard}
	 * @return the stream id the position is saved under
	 * @throws IllegalArgumentException when {@code shardKey} has no {@code /}
	 */
	public static String positionKey(String streamId, String shardKey) {
		return ShardKey.parse(shardKey).shardStreamId(streamId);
	}

	/**
	 * The key of the record of a stream's shards.
	 * @param streamId the stream
	 * @return the stream id the record is saved under
	 */
	public static String shardsKey(String streamId) {
		return ShardRecord.key(streamId);
	}

	/**
	 * @return the shards of the stream as {@code keyspace/shard}, as last read
	 */
	public List<String> getShards() {
		return this.shards.stream().map(ShardKey::toString).toList();
	}

	/**
	 * @return the shards this instance streams now, as {@code keyspace/shard}
	 */
	public Set<String> getOwnedShards() {
		Set<String> shards = new LinkedHashSet<>();
		owned().forEach((shard) -> shards.add(shard.toString()));
		return shards;
	}

	private Set<ShardKey> owned() {
		synchronized (this.owned) {
			return new LinkedHashSet<>(this.owned.keySet());
		}
	}

	@Override
	public List<VStreamContainer> getContainers() {
		List<VStreamContainer> containers = new ArrayList<>();
		synchronized (this.owned) {
			this.owned.values().forEach((o) -> containers.add(o.container()));
		}
		synchronized (this.stopping) {
			containers.addAll(this.stopping.values());
		}
		return containers;
	}

	@Override
	public ScalingStatus status() {
		List<ScalingStatus.Ownership> ownership = new ArrayList<>();
		for (ShardKey shard : this.shards) {
			ShardClaims.Claim mine = this.owned.get(shard);
			String owner = owner(lockKey(getStreamId(), shard), mine != null);
			ownership.add(new ScalingStatus.Ownership(shard.keyspace(), shard.shard(), owner, mine != null,
					(mine != null) ? mine.container().getState().name() : null));
		}
		return new ScalingStatus(getStreamId(), ScalingMode.SHARD_DISTRIBUTED, fence().instanceId(), ownership);
	}

	@Override
	public void start() {
		synchronized (this.lifecycleMonitor) {
			if (this.running) {
				return;
			}
			if (getStream().getEndpoints().isEmpty()) {
				logger.info("Stream '" + getStreamId() + "' has no listeners; not taking any shard");
				return;
			}
			this.running = true;
			this.rounds = 0;
			logger.info("Instance '" + fence().instanceId() + "' distributes the shards of stream '" + getStreamId()
					+ "' (lease " + this.lease + ", check every " + this.checkInterval + ")");
			CoordinatorThread coordinator = new CoordinatorThread("vstream-shards-" + getStreamId(), false);
			this.thread = coordinator;
			coordinator.start(this::round, Duration.ZERO, this.checkInterval);
		}
	}

	@Override
	public void stop() {
		CoordinatorThread coordinator;
		synchronized (this.lifecycleMonitor) {
			this.running = false;
			coordinator = this.thread;
			this.thread = null;
		}
		if (coordinator != null) {
			// Released on the coordinator thread, which holds the locks, after its round
			// in progress.
			coordinator.stop(this::releaseAll, true);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void round() {
		if (!this.running) {
			return;
		}
		try {
			check();
		}
		catch (RuntimeException ex) {
			logger.warn(
					"Stream '" + getStreamId() + "' could not check its shards; trying again in " + this.checkInterval,
					ex);
		}
	}

	/** One round: read the shards, renew or give up what is held, take what is free. */
	void check() {
		this.rounds++;
		List<ShardKey> current;
		try {
			current = this.record.read(getStream().getKeyspaces());
			this.shards = current;
		}
		catch (RuntimeException ex) {
			// Renew (or give up) what is held all the same: a store that cannot be read
			// may also have let the leases run out.
			logger.warn(
					"Stream '" + getStreamId() + "' cannot read its shards: " + LogSafeText.of(ex.getMessage(), 2000));
			current = null;
		}
		reapStopped();
		for (ShardKey shard : owned()) {
			ShardClaims.Claim mine = this.owned.get(shard);
			if ((current != null && !current.contains(shard)) || mine.container().isResharded()) {
				logger.info("Stream '" + getStreamId() + "' releases retired shard " + shard);
				release(shard, mine, false);
				continue;
			}
			if (mine.container().getState() == StreamState.FAILED
					&& LockLostException.isCauseOf(mine.container().getLastError())) {
				logger.warn(
						"Stream '" + getStreamId() + "' lost shard " + shard + ": " + mine.container().getLastError());
				release(shard, mine, true);
				continue;
			}
			try {
				this.locks.renewLock(lockKey(getStreamId(), shard), this.lease);
			}
			catch (RuntimeException ex) {
				logger.warn("Stream '" + getStreamId() + "' lost the lock of shard " + shard
						+ "; stopping its stream (another instance may own it now): " + ex.getMessage());
				release(shard, mine, true);
			}
		}
		if (current == null) {
			return;
		}
		takeFreeShards(current);
	}

	/**
	 * Take free shards up to this instance's {@link ShardQuota quota}: the shards' locks
	 * tell which are free and how many instances hold the others.
	 */
	private void takeFreeShards(List<ShardKey> current) {
		List<ShardKey> candidates = new ArrayList<>(current);
		candidates.removeAll(owned());
		candidates.removeAll(this.stopping.keySet());
		if (candidates.isEmpty() || (this.maxShards > 0 && this.owned.size() >= this.maxShards)) {
			return;
		}
		ShardClaims.Survey survey = this.claims.survey(candidates);
		ShardQuota quota = new ShardQuota(current.size(), survey.holders(), this.maxShards, isWarmingUp());
		int wanted = quota.toTake(this.owned.size());
		List<ShardKey> free = new ArrayList<>(survey.free());
		Collections.shuffle(free);
		for (ShardKey shard : free) {
			if (!this.running || wanted <= 0) {
				return;
			}
			ShardClaims.Claim claim = this.claims.claim(shard);
			if (claim != null) {
				this.owned.put(shard, claim);
				wanted--;
			}
		}
	}

	/**
	 * @return whether this instance is in its first lease since it started, when it takes
	 * at most one free shard per check
	 */
	boolean isWarmingUp() {
		return this.rounds <= this.warmUpRounds;
	}

	private void release(ShardKey shard, ShardClaims.Claim mine, boolean lost) {
		this.owned.remove(shard);
		if (lost) {
			// The listener in hand may take long; its position saves are refused anyway.
			// Keep renewing the other shards meanwhile, and do not take this one again
			// before it stopped.
			this.stopping.put(shard, mine.container());
			Thread stopper = new Thread(mine.container()::stop, "vstream-stop-" + mine.container().getId());
			stopper.setDaemon(true);
			stopper.start();
		}
		else {
			mine.container().stop();
		}
		ShardClaims.unlock(mine.lock(), shard);
	}

	private void reapStopped() {
		synchronized (this.stopping) {
			this.stopping.values().removeIf((container) -> !container.isRunning());
		}
	}

	private void releaseAll() {
		List<ShardClaims.Claim> all;
		synchronized (this.owned) {
			all = new ArrayList<>(this.owned.values());
		}
		// Stop every stream first (each saves its position), then hand the shards over.
		// Asked all at once and waited for together: a stream may take up to its stop
		// timeout to finish the transaction in hand, which must not add up per shard.
		CountDownLatch stopped = new CountDownLatch(all.size());
		all.forEach((o) -> o.container().stop(stopped::countDown));
		try {
			stopped.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		for (ShardKey shard : owned()) {
			ShardClaims.unlock(this.owned.remove(shard).lock(), shard);
		}
		logger.info("Instance '" + fence().instanceId() + "' released the shards of stream '" + getStreamId() + "'");
	}

}
