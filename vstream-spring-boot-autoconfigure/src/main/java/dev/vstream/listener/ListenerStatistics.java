package dev.vstream.listener;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * Counters of one listener, kept by the stream that calls it, for the actuator endpoint.
 */
public final class ListenerStatistics {

	private final AtomicLong handled = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private volatile @Nullable Throwable lastError;

	// Epoch millis, 0 before the first call: recorded per row, where Instant.now() would
	// cost a slower clock read and an object each time; the endpoint needs no finer
	// precision.
	private volatile long lastHandledMillis;

	/** A call of the listener completed. */
	public void recordHandled() {
		recordHandled(1);
	}

	/**
	 * A call of the listener with several changes (a transaction, a batch) completed.
	 * @param changes how many changes it handled
	 */
	public void recordHandled(int changes) {
		this.handled.addAndGet(changes);
		this.lastHandledMillis = System.currentTimeMillis();
	}

	/**
	 * A call of the listener threw (counted before any retry, so a retried change that
	 * then succeeds counts once in each).
	 * @param error what it threw
	 */
	public void recordFailed(Throwable error) {
		recordFailed(error, 1);
	}

	/**
	 * A call of the listener with several changes (a transaction, a batch) threw.
	 * @param error what it threw
	 * @param changes how many changes the call had
	 */
	public void recordFailed(Throwable error, int changes) {
		this.failed.addAndGet(changes);
		this.lastError = error;
	}

	/**
	 * @return changes handled (a call with several changes counts each)
	 */
	public long getHandled() {
		return this.handled.get();
	}

	/**
	 * @return changes whose call threw (a call with several changes counts each)
	 */
	public long getFailed() {
		return this.failed.get();
	}

	/**
	 * @return what the last failed call threw, if any
	 */
	public @Nullable Throwable getLastError() {
		return this.lastError;
	}

	/**
	 * @return when the last call completed, to the millisecond
	 */
	public @Nullable Instant getLastHandledTime() {
		long millis = this.lastHandledMillis;
		return (millis != 0) ? Instant.ofEpochMilli(millis) : null;
	}

}
