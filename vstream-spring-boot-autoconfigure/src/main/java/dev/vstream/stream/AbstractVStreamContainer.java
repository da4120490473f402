package dev.vstream.stream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.core.task.TaskExecutor;
import org.springframework.util.Assert;

/**
 * The lifecycle of a stream that runs on its own thread, and what every such stream
 * reports about itself ({@link StreamStatus}: last error, times, counters):
 * {@link #start()} prepares the stream ({@link #doStart()}) and starts the thread,
 * {@link #stop()} asks it to end, wakes it ({@link #doStop()}) and waits for it,
 * {@link #stop(Runnable)} does the same without waiting and calls back once the thread
 * has ended, so that a listener that hangs delays the application's shutdown only as long
 * as Spring's {@code spring.lifecycle.timeout-per-shutdown-phase}. A stop that finds a
 * transaction in hand lets the stream finish it for up to the
 * {@linkplain VStreamContainerOptions#setStopTimeout stop timeout}.
 *
 * <p>
 * Concurrency: {@link #start()}, {@link #stop()}, {@link #stop(Runnable)} and
 * {@link #isRunning()} may be called from any thread. The running flag changes under
 * {@link #lifecycleMonitor}, whose {@code notifyAll} on stop wakes the stream thread from
 * every wait made with {@link #sleep(long)} or on that monitor: no wait of the stream
 * outlives a stop. Pause and resume run on callers' threads under that monitor too; the
 * stream thread waits on it while paused ({@link PauseControl}).
 *
 * <p>
 * The stream thread comes from the {@linkplain #setTaskExecutor task executor} (its own
 * platform thread by default); it publishes the stream's {@link VStreamEvent}s through
 * the {@linkplain #setApplicationEventPublisher application's publisher}.
 */
public abstract class AbstractVStreamContainer implements VStreamContainer, ApplicationEventPublisherAware {

	/**
	 * Guards the running flag and the stream's thread; waited on by the stream thread,
	 * notified on stop.
	 */
	protected final Object lifecycleMonitor = new Object();

	private volatile boolean running;

	private final VStreamContainerOptions options = new VStreamContainerOptions();

	/**
	 * When the last stop was asked for ({@link System#nanoTime()}); written before the
	 * running flag drops, so that a thread that sees the stop sees when it was asked for.
	 */
	private volatile long stopRequestedNanos;

	private volatile boolean autoStartup = true;

	private final StreamThread thread = new StreamThread(this.lifecycleMonitor);

	private final StreamEvents events = new StreamEvents();

	private final StreamStatus status = new StreamStatus();

	private volatile Clock clock = Clock.systemUTC();

	private final PauseControl pauseControl = new PauseControl(this::getId, this.lifecycleMonitor, this::isRunning);

	/**
	 * Prepare a start, under {@link #lifecycleMonitor}; called only while not running.
	 * @return what the stream thread runs, or {@code null} when there is nothing to
	 * stream
	 */
	protected abstract @Nullable Runnable doStart();

	/**
	 * Wake the stream thread from a blocking call (a waiting gRPC read) after a stop
	 * request; waits on {@link #lifecycleMonitor} are woken already. Called without the
	 * lock.
	 */
	protected abstract void doStop();

	@Override
	public final void start() {
		synchronized (this.lifecycleMonitor) {
			if (this.running) {
				return;
			}
			Runnable work = doStart();
			if (work == null) {
				return;
			}
			this.running = true;
			try {
				this.thread.start("vstream-" + getId(), () -> runAndPublish(work));
			}
			catch (RuntimeException ex) {
				this.running = false;
				VStreamException failure = new VStreamException(
						"Stream '" + getId() + "' could not start its thread on the task executor: " + ex.getMessage(),
						ex);
				this.status.setLastError(failure);
				this.status.setState(StreamState.FAILED);
				publish(new VStreamFailedEvent(this, failure));
				throw failure;
			}
		}
	}

	private void runAndPublish(Runnable work) {
		try {
			publish(new VStreamStartedEvent(this));
			work.run();
		}
		finally {
			publish(new VStreamStoppedEvent(this, (this.status.getState() == StreamState.FAILED)
					? VStreamStoppedEvent.Reason.FAILED
					: isResharded() ? VStreamStoppedEvent.Reason.RESHARDED : VStreamStoppedEvent.Reason.NORMAL));
		}
	}

	/**
	 * Publish an event about this stream; a failing application listener is logged, the
	 * stream goes on.
	 * @param event the event
	 */
	protected void publish(VStreamEvent event) {
		this.events.publish(event);
	}

	/**
	 * Stop the stream and wait until its thread has ended: the transaction in hand is
	 * finished, reading the rest of it from vtgate for up to the
	 * {@linkplain VStreamContainerOptions#setStopTimeout stop timeout} (a change whose
	 * listener is in its retry back-off is given up), and the position reached is saved.
	 */
	@Override
	public void stop() {
		StreamThread.Run run = requestStop(null);
		if (run != null) {
			run.awaitEnd();
		}
	}

	/**
	 * Ask the stream to stop without waiting for it; the callback runs once its thread
	 * has ended (at once when it is not running).
	 * @param callback what to run when stopped
	 */
	@Override
	public void stop(Runnable callback) {
		if (requestStop(callback) == null) {
			callback.run();
		}
	}

	/**
	 * @return the run of the stream's thread if it still runs (the callback then runs
	 * when it ends), else {@code null}
	 */
	private StreamThread.@Nullable Run requestStop(@Nullable Runnable callback) {
		StreamThread.Run run;
		synchronized (this.lifecycleMonitor) {
			if (this.running) {
				this.stopRequestedNanos = System.nanoTime();
			}
			this.running = false;
			this.lifecycleMonitor.notifyAll();
			run = this.thread.running(callback);
		}
		doStop();
		return run;
	}

	/** The stream ends by itself (failed, or stopped at a reshard): no longer running. */
	protected void stopped() {
		synchronized (this.lifecycleMonitor) {
			this.running = false;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public VStreamContainerOptions getContainerOptions() {
		return this.options;
	}

	/**
	 * @return how much of the stop timeout is left since the stop request, at most zero
	 * once it ran out; meaningful once the stream is not running
	 */
	long stopNanosLeft() {
		Duration left = this.options.getStopTimeout().minusNanos(System.nanoTime() - this.stopRequestedNanos);
		// A timeout of centuries waits for ever rather than overflow.
		return (left.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L) ? Long.MAX_VALUE : left.toNanos();
	}

	@Override
	public void pause() {
		this.pauseControl.pause(this::getState);
	}

	@Override
	public void resume() {
		this.pauseControl.resume();
	}

	@Override
	public boolean isPaused() {
		return this.pauseControl.isPaused();
	}

	/**
	 * @param state the stream thread's own state
	 * @return the state to report: {@code PAUSED} while paused, else the given one
	 */
	protected StreamState pausedOr(StreamState state) {
		return this.pauseControl.reported(state);
	}

	/**
	 * Wait while paused, on the stream thread, between transactions only, so that no
	 * listener transaction stays open.
	 * @param beforeWaiting run first when paused (saving the handled position)
	 */
	void awaitResume(Runnable beforeWaiting) {
		this.pauseControl.awaitResume(beforeWaiting, this::getPosition);
	}

	/**
	 * Wait on the stream thread, ending early when the stream is asked to stop.
	 * @param millis how long to wait
	 */
	protected void sleep(long millis) {
		synchronized (this.lifecycleMonitor) {
			long deadline = System.currentTimeMillis() + millis;
			long remaining = millis;
			while (this.running && remaining > 0) {
				try {
					this.lifecycleMonitor.wait(remaining);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				remaining = deadline - System.currentTimeMillis();
			}
		}
	}

	/**
	 * Set where the stream's thread comes from, for example virtual threads. The executor
	 * must run each task on a thread of its own at once (the stream holds it until it
	 * stops): a pool that queues tasks delays the stream, and a stop waits for a stream
	 * that never ran. By default each start has its own platform thread named
	 * {@code vstream-<id>}.
	 * @param taskExecutor the executor, {@code null} for the default
	 */
	public void setTaskExecutor(@Nullable TaskExecutor taskExecutor) {
		this.thread.setExecutor(taskExecutor);
	}

	/**
	 * Set where the stream publishes its {@link VStreamEvent}s; set by the application
	 * context for a container that is a bean.
	 * @param eventPublisher the publisher, {@code null} to publish none
	 */
	@Override
	public void setApplicationEventPublisher(@Nullable ApplicationEventPublisher eventPublisher) {
		this.events.setPublisher(eventPublisher);
	}

	/**
	 * Set after how long without a handled row change, while connected, the stream
	 * publishes a {@link VStreamIdleEvent}, and again at that interval while it stays
	 * idle. Checked at each of vtgate's responses (heartbeats included), so an event
	 * comes up to one heartbeat interval late.
	 * @param idleEventInterval the interval, {@code null} or zero for no idle events
	 */
	public void setIdleEventInterval(@Nullable Duration idleEventInterval) {
		this.events.setIdleInterval(idleEventInterval);
	}

	/**
	 * Set whether the stream starts with the application context.
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
		return DEFAULT_PHASE;
	}

	@Override
	public @Nullable Throwable getLastError() {
		return this.status.getLastError();
	}

	@Override
	public @Nullable Instant getReconnectingSince() {
		return this.status.getReconnectingSince();
	}

	/**
	 * Set the clock that dates reconnects ({@link #getReconnectingSince()}), for example
	 * the one health checks measure against.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "'clock' must not be null");
		this.clock = clock;
	}

	/**
	 * The clock that dates reconnects.
	 * @return the clock
	 */
	protected Clock getClock() {
		return this.clock;
	}

	@Override
	public @Nullable Instant getLastEventTime() {
		return this.status.getLastEventTime();
	}

	@Override
	public @Nullable Instant getLastCommitTime() {
		return this.status.getLastCommitTime();
	}

	@Override
	public @Nullable Instant getLastHeartbeatTime() {
		return this.status.getLastHeartbeatTime();
	}

	@Override
	public long getEventsReceived() {
		return this.status.eventsReceived.get();
	}

	@Override
	public long getChangesHandled() {
		return this.status.changesHandled.get();
	}

	@Override
	public long getChangesFailed() {
		return this.status.changesFailed.get();
	}

	@Override
	public long getReconnects() {
		return this.status.reconnects.get();
	}

	/** What the stream reports, written by the stream thread. */
	StreamStatus status() {
		return this.status;
	}

	/** Where the stream's events go. */
	StreamEvents events() {
		return this.events;
	}

	/** Give another stream (a shard's) the same thread source and event settings. */
	void copyThreadAndEventsTo(AbstractVStreamContainer other) {
		other.setTaskExecutor(this.thread.getExecutor());
		other.setApplicationEventPublisher(this.events.getPublisher());
		other.setIdleEventInterval(this.events.getIdleInterval());
	}

}
