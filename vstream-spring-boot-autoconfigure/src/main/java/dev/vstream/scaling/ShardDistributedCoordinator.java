package dev.vstream.scaling;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Lock;

import binlogdata.Binlogdata.Journal;
import binlogdata.Binlogdata.KeyspaceShard;
import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VGtid;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.ShardPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.integration.support.locks.RenewableLockRegistry;

/**
 * Shard-distributed: each shard of the stream's keyspaces is owned by one instance at a time
 * through a per-shard lock ({@code vstream:<streamId>:<keyspace>/<shard>}), and each instance
 * streams the shards it owns, one {@link VStreamContainer#forShard single-shard stream} each, with
 * the position of each shard saved under {@code <streamId>@<keyspace>/<shard>}, fenced by the
 * shard's lock.
 *
 * <p>One thread per coordinator does all lock work (the registries' locks belong to the thread
 * that took them): every check interval it renews the locks it holds, stops the stream of a shard
 * whose lock it lost, and tries to take shards nobody holds (at most one per round, so that
 * instances starting together spread the shards, and never more than the configured maximum).
 * A crashed instance's locks expire after the lease; the others then take its shards over from the
 * saved positions.
 *
 * <p>The shards are recorded under {@code <streamId>#shards}, from vtgate at the first start
 * ({@link ShardDiscovery}) and from reshard journals afterwards: each shard stream asks vtgate to
 * stop at a reshard; the journal's position for the new shards replaces the retired shard's
 * position (a hand-over record), and the participant that finds every participant handed over
 * seeds the new shards' positions and replaces the retired shards by the new ones in the record.
 * Instances then take the new shards like any other, and release the retired ones.
 */
public class ShardDistributedCoordinator implements SmartLifecycle, ScalingCoordinator {

	private static final Log logger = LogFactory.getLog(ShardDistributedCoordinator.class);

	private final VStreamContainer template;

	private final RenewableLockRegistry<?> locks;

	private final LockFence fence;

	private final OffsetRepository offsets;

	private final ShardDiscovery discovery;

	private final Duration lease;

	private final Duration checkInterval;

	private final int maxShards;

	private final Object monitor = new Object();

	/** Shards streamed here, by shard key; touched by the coordinator thread only, read by others. */
	private final Map<String, Owned> owned = Collections.synchronizedMap(new LinkedHashMap<>());

	/** Streams of lost shards still finishing their work: not restarted until they stopped. */
	private final Map<String, VStreamContainer> stopping = Collections.synchronizedMap(new LinkedHashMap<>());

	private volatile List<String> shards = List.of();

	private volatile boolean running;

	private volatile boolean autoStartup = true;

	private @Nullable Thread thread;

	/**
	 * Create a coordinator.
	 * @param template the stream whose listeners and settings each shard stream copies; never
	 * started itself
	 * @param locks the lock registry, with locks leased for {@code lease}
	 * @param fence the fence of that registry's store
	 * @param offsets where positions are saved (unfenced; each shard stream gets a fenced view)
	 * @param discovery lists the shards of a keyspace
	 * @param lease the lease of the locks: how long a crashed instance's shards stay unowned
	 * @param checkInterval how often locks are renewed and free shards looked for; well below the lease
	 * @param maxShards the most shards this instance streams, 0 for no limit
	 */
	public ShardDistributedCoordinator(VStreamContainer template, RenewableLockRegistry<?> locks, LockFence fence,
			OffsetRepository offsets, ShardDiscovery discovery, Duration lease, Duration checkInterval, int maxShards) {
		this.template = template;
		this.locks = locks;
		this.fence = fence;
		this.offsets = offsets;
		this.discovery = discovery;
		this.lease = lease;
		this.checkInterval = checkInterval;
		this.maxShards = maxShards;
	}

	@Override
	public VStreamContainer getStream() {
		return this.template;
	}

	@Override
	public String getStreamId() {
		return this.template.getId();
	}

	/**
	 * The lock of one shard of a stream.
	 * @param streamId the stream
	 * @param shardKey {@code keyspace/shard}
	 * @return the lock key
	 */
	public static String lockKey(String streamId, String shardKey) {
		return "vstream:" + streamId + ":" + shardKey;
	}

	/**
	 * The key of one shard's position.
	 * @param streamId the stream
	 * @param shardKey {@code keyspace/shard}
	 * @return the stream id the position is saved under
	 */
	public static String positionKey(String streamId, String shardKey) {
		return streamId + "@" + shardKey;
	}

	/**
	 * The key of the record of a stream's shards.
	 * @param streamId the stream
	 * @return the stream id the record is saved under
	 */
	public static String shardsKey(String streamId) {
		return streamId + "#shards";
	}

	/** @return the shards of the stream as {@code keyspace/shard}, as last read */
	public List<String> getShards() {
		return this.shards;
	}

	/** @return the shards this instance streams now, as {@code keyspace/shard} */
	public Set<String> getOwnedShards() {
		synchronized (this.owned) {
			return new LinkedHashSet<>(this.owned.keySet());
		}
	}

	@Override
	public List<VStreamContainer> getContainers() {
		List<VStreamContainer> containers = new ArrayList<>();
		synchronized (this.owned) {
			this.owned.values().forEach((o) -> containers.add(o.container));
		}
		synchronized (this.stopping) {
			containers.addAll(this.stopping.values());
		}
		return containers;
	}

	@Override
	public ScalingStatus status() {
		List<ScalingStatus.Ownership> ownership = new ArrayList<>();
		for (String shardKey : this.shards) {
			Owned mine = this.owned.get(shardKey);
			String owner;
			try {
				owner = this.fence.owner(lockKey(getStreamId(), shardKey));
			}
			catch (RuntimeException ex) {
				owner = (mine != null) ? this.fence.instanceId() : null;
			}
			int slash = shardKey.indexOf('/');
			ownership.add(new ScalingStatus.Ownership(shardKey.substring(0, slash), shardKey.substring(slash + 1), owner,
					mine != null, (mine != null) ? mine.container.getState().name() : null));
		}
		return new ScalingStatus(getStreamId(), ScalingMode.SHARD_DISTRIBUTED, this.fence.instanceId(), ownership);
	}

	@Override
	public void start() {
		synchronized (this.monitor) {
			if (this.running) {
				return;
			}
			if (this.template.getEndpoints().isEmpty()) {
				logger.info("Stream '" + getStreamId() + "' has no listeners; not taking any shard");
				return;
			}
			this.running = true;
			Thread coordinator = new Thread(this::run, "vstream-shards-" + getStreamId());
			// Like a stream's own thread, it keeps an application without other work alive.
			coordinator.setDaemon(false);
			this.thread = coordinator;
			coordinator.start();
		}
	}

	@Override
	public void stop() {
		Thread coordinator;
		synchronized (this.monitor) {
			this.running = false;
			this.monitor.notifyAll();
			coordinator = this.thread;
			this.thread = null;
		}
		if (coordinator != null && coordinator != Thread.currentThread()) {
			try {
				coordinator.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Set whether this coordinator starts with the application context.
	 * @param autoStartup whether to start automatically
	 */
	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	@Override
	public int getPhase() {
		return VStreamContainer.DEFAULT_PHASE;
	}

	private void run() {
		logger.info("Instance '" + this.fence.instanceId() + "' distributes the shards of stream '" + getStreamId()
				+ "' (lease " + this.lease + ", check every " + this.checkInterval + ")");
		while (this.running) {
			try {
				check();
			}
			catch (RuntimeException ex) {
				logger.warn("Stream '" + getStreamId() + "' could not check its shards; trying again in "
						+ this.checkInterval, ex);
			}
			synchronized (this.monitor) {
				if (this.running) {
					try {
						this.monitor.wait(this.checkInterval.toMillis());
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						break;
					}
				}
			}
		}
		releaseAll();
	}

	/** One round: read the shards, renew or give up what is held, take what is free. */
	void check() {
		List<String> current;
		try {
			current = readShards();
			this.shards = current;
		}
		catch (RuntimeException ex) {
			// Renew (or give up) what is held all the same: a store that cannot be read may also
			// have let the leases run out.
			logger.warn("Stream '" + getStreamId() + "' cannot read its shards: " + ex.getMessage());
			current = null;
		}
		reapStopped();
		for (String shardKey : getOwnedShards()) {
			Owned mine = this.owned.get(shardKey);
			if ((current != null && !current.contains(shardKey)) || mine.container.isResharded()) {
				logger.info("Stream '" + getStreamId() + "' releases retired shard " + shardKey);
				release(shardKey, mine, false);
				continue;
			}
			if (mine.container.getState() == StreamState.FAILED && LockLostException.isCauseOf(mine.container.getLastError())) {
				logger.warn("Stream '" + getStreamId() + "' lost shard " + shardKey + ": " + mine.container.getLastError());
				release(shardKey, mine, true);
				continue;
			}
			try {
				this.locks.renewLock(lockKey(getStreamId(), shardKey), this.lease);
			}
			catch (RuntimeException ex) {
				logger.warn("Stream '" + getStreamId() + "' lost the lock of shard " + shardKey
						+ "; stopping its stream (another instance may own it now): " + ex.getMessage());
				release(shardKey, mine, true);
			}
		}
		if (current == null) {
			return;
		}
		List<String> free = new ArrayList<>(current);
		free.removeAll(getOwnedShards());
		free.removeAll(this.stopping.keySet());
		Collections.shuffle(free);
		for (String shardKey : free) {
			if (!this.running || (this.maxShards > 0 && this.owned.size() >= this.maxShards)) {
				return;
			}
			if (tryTake(shardKey)) {
				// One per round: instances starting together then share the shards.
				return;
			}
		}
	}

	private boolean tryTake(String shardKey) {
		String lockKey = lockKey(getStreamId(), shardKey);
		Lock lock = this.locks.obtain(lockKey);
		if (!lock.tryLock()) {
			return false;
		}
		try {
			this.fence.lockAcquired(lockKey);
			String positionKey = positionKey(getStreamId(), shardKey);
			Optional<StreamPosition> saved = this.offsets.load(positionKey);
			if (saved.isPresent() && handedOver(shardKey, saved.get())) {
				// Retired by a reshard whose other participants have not all reached the journal yet.
				unlock(lock, shardKey);
				return false;
			}
			int slash = shardKey.indexOf('/');
			VStreamContainer container = this.template.forShard(positionKey, shardKey.substring(0, slash),
					shardKey.substring(slash + 1), this.fence.fenced(lockKey, this.offsets));
			container.setReshardHandler(this::resharded);
			container.start();
			this.owned.put(shardKey, new Owned(lock, container));
			logger.info("Instance '" + this.fence.instanceId() + "' took shard " + shardKey + " of stream '"
					+ getStreamId() + "'" + saved.map((p) -> " at " + p).orElse(" (no saved position)"));
			return true;
		}
		catch (RuntimeException ex) {
			logger.warn("Stream '" + getStreamId() + "' could not start shard " + shardKey + "; releasing it", ex);
			unlock(lock, shardKey);
			return false;
		}
	}

	private void release(String shardKey, Owned mine, boolean lost) {
		this.owned.remove(shardKey);
		if (lost) {
			// The listener in hand may take long; its position saves are refused anyway. Keep
			// renewing the other shards meanwhile, and do not take this one again before it stopped.
			this.stopping.put(shardKey, mine.container);
			Thread stopper = new Thread(mine.container::stop, "vstream-stop-" + mine.container.getId());
			stopper.setDaemon(true);
			stopper.start();
		}
		else {
			mine.container.stop();
		}
		unlock(mine.lock, shardKey);
	}

	private void reapStopped() {
		synchronized (this.stopping) {
			this.stopping.values().removeIf((container) -> !container.isRunning());
		}
	}

	private void releaseAll() {
		List<Owned> all;
		synchronized (this.owned) {
			all = new ArrayList<>(this.owned.values());
		}
		// Stop every stream first (each saves its position), then hand the shards over.
		all.forEach((o) -> o.container.stop());
		for (String shardKey : getOwnedShards()) {
			unlock(this.owned.remove(shardKey).lock, shardKey);
		}
		logger.info("Instance '" + this.fence.instanceId() + "' released the shards of stream '" + getStreamId() + "'");
	}

	private void unlock(Lock lock, String shardKey) {
		try {
			lock.unlock();
		}
		catch (RuntimeException ex) {
			// Expired or taken over meanwhile: the thread's hold is released all the same.
			logger.debug("Lock of shard " + shardKey + " was no longer held: " + ex.getMessage());
		}
	}

	/** A saved position that names other shards than its own is a hand-over record. */
	private static boolean handedOver(String shardKey, StreamPosition position) {
		for (ShardPosition shard : position.shards()) {
			if ((shard.keyspace() + "/" + shard.shard()).equals(shardKey)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The stream's shards from the record; keyspaces not in the record yet (first start, or a
	 * listener of a new keyspace) are added from vtgate.
	 */
	private List<String> readShards() {
		String key = shardsKey(getStreamId());
		Optional<StreamPosition> recorded = this.offsets.load(key);
		Set<String> shardKeys = new LinkedHashSet<>();
		Set<String> keyspaces = new LinkedHashSet<>();
		recorded.ifPresent((p) -> p.shards().forEach((s) -> {
			shardKeys.add(s.keyspace() + "/" + s.shard());
			keyspaces.add(s.keyspace());
		}));
		boolean added = false;
		for (String keyspace : this.template.getKeyspaces()) {
			if (!keyspaces.contains(keyspace)) {
				for (String shard : this.discovery.shards(keyspace)) {
					shardKeys.add(keyspace + "/" + shard);
				}
				added = true;
			}
		}
		if (added) {
			this.offsets.save(key, shardRecord(shardKeys));
			logger.info("Stream '" + getStreamId() + "' distributes shards " + shardKeys);
		}
		return List.copyOf(shardKeys);
	}

	private static StreamPosition shardRecord(Set<String> shardKeys) {
		VGtid.Builder record = VGtid.newBuilder();
		for (String shardKey : shardKeys) {
			int slash = shardKey.indexOf('/');
			record.addShardGtids(ShardGtid.newBuilder()
				.setKeyspace(shardKey.substring(0, slash))
				.setShard(shardKey.substring(slash + 1)));
		}
		return StreamPosition.of(record.build());
	}

	/**
	 * A shard stream reached a reshard journal (its position before the journal is saved). Record
	 * the hand-over under this shard's position key (fenced by its lock); when every participant
	 * has handed over, seed the new shards and switch the shard record to them.
	 */
	private void resharded(VStreamContainer container, Journal journal) {
		String streamId = getStreamId();
		String ownShard = container.getId().substring(container.getId().indexOf('@') + 1);
		String keyspace = ownShard.substring(0, ownShard.indexOf('/'));
		VGtid.Builder handover = VGtid.newBuilder();
		for (ShardGtid sg : journal.getShardGtidsList()) {
			if (sg.getKeyspace().equals(keyspace)) {
				handover.addShardGtids(sg);
			}
		}
		if (handover.getShardGtidsCount() == 0) {
			throw new IllegalStateException("Shard " + ownShard + " of stream '" + streamId
					+ "' received a reshard journal without positions for keyspace '" + keyspace + "': " + journal);
		}
		// The shard stream's own (fenced) repository: refused if this instance lost the shard.
		container.getOffsetRepository().save(container.getId(), StreamPosition.of(handover.build()));
		List<String> participants = new ArrayList<>();
		for (KeyspaceShard ks : journal.getParticipantsList()) {
			participants.add(ks.getKeyspace() + "/" + ks.getShard());
		}
		for (String participant : participants) {
			Optional<StreamPosition> saved = this.offsets.load(positionKey(streamId, participant));
			if (saved.isEmpty() || !handedOver(participant, saved.get())) {
				logger.info("Stream '" + streamId + "' shard " + ownShard + " handed over at the reshard journal; "
						+ "waiting for participant " + participant);
				return;
			}
		}
		Set<String> next = new LinkedHashSet<>();
		this.offsets.load(shardsKey(streamId)).ifPresent((p) -> p.shards()
			.forEach((s) -> next.add(s.keyspace() + "/" + s.shard())));
		next.removeAll(participants);
		for (ShardGtid sg : handover.getShardGtidsList()) {
			String newShard = sg.getKeyspace() + "/" + sg.getShard();
			String newKey = positionKey(streamId, newShard);
			if (this.offsets.load(newKey).isEmpty()) {
				this.offsets.save(newKey, StreamPosition.of(VGtid.newBuilder().addShardGtids(sg).build()));
			}
			next.add(newShard);
		}
		this.offsets.save(shardsKey(streamId), shardRecord(next));
		logger.info("Stream '" + streamId + "' resharded " + participants + " into " + next);
	}

	private record Owned(Lock lock, VStreamContainer container) {
	}

}
