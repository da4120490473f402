package dev.vstream.scaling;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.integration.leader.Candidate;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.event.DefaultLeaderEventPublisher;
import org.springframework.integration.leader.event.LeaderEventPublisher;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;
import org.springframework.integration.support.locks.LockRegistry;

/**
 * Active-standby: every instance runs a {@link LockRegistryLeaderInitiator} on the lock
 * {@link #lockKey(String) vstream:&lt;streamId&gt;}; the instance granted leadership
 * starts the stream, the others wait and take over once the leader releases the lock
 * (shutdown) or lets it expire (crash: within the lock's lease plus one heartbeat). The
 * stream's position saves must be fenced with the same lock ({@link LockFence#fenced}),
 * so that a leader that lost the lock unnoticed cannot overwrite its successor's
 * position. Spring Integration's leader events ({@code OnGrantedEvent},
 * {@code OnRevokedEvent}, {@code OnFailedToAcquireMutexEvent}, role
 * {@code vstream:<streamId>}) are published to the application once it sets its publisher
 * (a coordinator that is a bean).
 */
public class ActiveStandbyCoordinator extends AbstractScalingCoordinator implements ApplicationEventPublisherAware {

	private static final Log logger = LogFactory.getLog(ActiveStandbyCoordinator.class);

	private final VStreamContainer container;

	private final String lockKey;

	private final LockRegistryLeaderInitiator initiator;

	private final Duration lease;

	private volatile CountDownLatch revoked = new CountDownLatch(0);

	private final Duration heartbeat;

	private volatile @Nullable CoordinatorThread watchdog;

	/**
	 * Create a coordinator.
	 * @param container the stream, not started automatically, with its saves fenced on
	 * {@link #lockKey(String)}
	 * @param locks the lock registry
	 * @param fence the fence of that registry's store
	 * @param heartbeat how often the leader renews its lock, and a standby tries to take
	 * it
	 * @param lease the locks' lease (how long a shutdown may wait for the lock's release)
	 */
	public ActiveStandbyCoordinator(VStreamContainer container, LockRegistry<?> locks, LockFence fence,
			Duration heartbeat, Duration lease) {
		super(container, fence);
		this.container = container;
		this.lockKey = lockKey(container.getId());
		this.lease = lease;
		this.heartbeat = heartbeat;
		this.initiator = new LockRegistryLeaderInitiator(locks, new StreamCandidate());
		this.initiator.setHeartBeatMillis(heartbeat.toMillis());
		this.initiator.setBusyWaitMillis(Math.max(50, heartbeat.toMillis() / 2));
		this.initiator.setTaskExecutor(new SimpleAsyncTaskExecutor("vstream-leader-" + container.getId() + "-"));
		this.initiator.setLeaderEventPublisher(new NoEvents());
	}

	/**
	 * Publish Spring Integration's leader events (granted, revoked, failed to acquire)
	 * through this publisher; none are published until it is set.
	 * @param publisher the application's publisher
	 */
	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
		this.initiator.setLeaderEventPublisher(new DefaultLeaderEventPublisher(publisher));
	}

	/**
	 * The lock that elects the active instance of a stream.
	 * @param streamId the stream id
	 * @return the lock key
	 */
	public static String lockKey(String streamId) {
		return "vstream:" + streamId;
	}

	/**
	 * @return whether this instance is the active one
	 */
	public boolean isLeader() {
		return this.initiator.getContext().isLeader();
	}

	@Override
	public List<VStreamContainer> getContainers() {
		return List.of(this.container);
	}

	@Override
	public ScalingStatus status() {
		boolean leader = isLeader();
		String owner = owner(this.lockKey, leader);
		return new ScalingStatus(getStreamId(), ScalingMode.ACTIVE_STANDBY, fence().instanceId(), List
			.of(new ScalingStatus.Ownership("", "", owner, leader, leader ? this.container.getState().name() : null)));
	}

	@Override
	public void start() {
		this.initiator.start();
		CoordinatorThread watch = new CoordinatorThread("vstream-standby-watch-" + getStreamId(), true);
		watch.start(this::yieldIfFenced, this.heartbeat, this.heartbeat);
		this.watchdog = watch;
	}

	/**
	 * A save refused by the fence fails the stream while the initiator may still see this
	 * instance as the leader (its lease ran out unnoticed and it renewed it since): give
	 * leadership up, so that the stream is stopped and restarted from the saved position
	 * by whoever is elected.
	 */
	private void yieldIfFenced() {
		if (isLeader() && this.container.getState() == StreamState.FAILED
				&& LockLostException.isCauseOf(this.container.getLastError())) {
			logger.warn("Stream '" + getStreamId() + "' had a position save refused by its lock; yielding leadership");
			this.initiator.getContext().yield();
		}
	}

	@Override
	public void stop() {
		boolean leading = isLeader();
		CoordinatorThread watch = this.watchdog;
		if (watch != null) {
			watch.stop(null, false);
			this.watchdog = null;
		}
		this.initiator.stop();
		this.container.stop();
		if (leading) {
			// The initiator releases the lock on its own thread: wait for it, so that the
			// standby takes over at once instead of after the lease, and before the store
			// shuts down.
			try {
				if (!this.revoked.await(this.lease.toMillis(), TimeUnit.MILLISECONDS)) {
					logger.warn("Stream '" + getStreamId()
							+ "' did not release its lock in time; it expires after the lease");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.initiator.isRunning();
	}

	private final class StreamCandidate implements Candidate {

		@Override
		public String getRole() {
			return ActiveStandbyCoordinator.this.lockKey;
		}

		@Override
		public String getId() {
			return fence().instanceId();
		}

		@Override
		public void onGranted(Context ctx) {
			ActiveStandbyCoordinator.this.revoked = new CountDownLatch(1);
			logger.info("Instance '" + getId() + "' is now the active instance of stream '" + getStreamId() + "'");
			fence().lockAcquired(getRole());
			ActiveStandbyCoordinator.this.container.start();
		}

		@Override
		public void onRevoked(Context ctx) {
			logger.info("Instance '" + getId() + "' is no longer the active instance of stream '" + getStreamId()
					+ "'; stopping the stream");
			try {
				ActiveStandbyCoordinator.this.container.stop();
			}
			finally {
				ActiveStandbyCoordinator.this.revoked.countDown();
			}
		}

	}

	private static final class NoEvents implements LeaderEventPublisher {

		@Override
		public void publishOnGranted(Object source, Context context, String role) {
		}

		@Override
		public void publishOnRevoked(Object source, Context context, String role) {
		}

		@Override
		public void publishOnFailedToAcquire(Object source, Context context, String role) {
		}

	}

}
