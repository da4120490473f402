package dev.vstream.stream;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Whether a stream's offset store answers. The stream's thread reports each store call (a
 * save and the transaction around it) and each failure; health checks and the endpoint
 * read, from other threads, since when the store has been failing or a call has been
 * hanging.
 *
 * <p>
 * A call that has not returned after {@link #SLOW_CALL} counts as the store being
 * unavailable already: a store that is down often makes a call wait for its timeout (a
 * Redis command timeout, a pool's connection timeout) long before it fails.
 */
final class OffsetStoreWatch {

	/** How long a store call may take before the store counts as unavailable. */
	static final Duration SLOW_CALL = Duration.ofSeconds(1);

	private volatile @Nullable Instant callStartedAt;

	private volatile @Nullable Instant failingSince;

	private volatile int failures;

	void callStarted(Instant now) {
		this.callStartedAt = now;
	}

	void callEnded() {
		this.callStartedAt = null;
	}

	/**
	 * A store call failed.
	 * @param now the current time
	 * @return the number of failures in a row
	 */
	int failed(Instant now) {
		if (this.failingSince == null) {
			this.failingSince = now;
		}
		return ++this.failures;
	}

	/**
	 * A store call succeeded.
	 * @return since when the store had been failing, or {@code null} if it had not
	 */
	@Nullable Instant succeeded() {
		Instant since = this.failingSince;
		this.failingSince = null;
		this.failures = 0;
		return since;
	}

	boolean isFailing() {
		return this.failingSince != null;
	}

	/**
	 * Since when the store has been failing, or the current call has been waiting for
	 * longer than {@link #SLOW_CALL}.
	 * @param now the current time
	 * @return the instant, or {@code null} while the store answers
	 */
	@Nullable Instant unavailableSince(Instant now) {
		Instant failing = this.failingSince;
		if (failing != null) {
			return failing;
		}
		Instant started = this.callStartedAt;
		if (started != null && Duration.between(started, now).compareTo(SLOW_CALL) >= 0) {
			return started;
		}
		return null;
	}

	void reset() {
		this.callStartedAt = null;
		this.failingSince = null;
		this.failures = 0;
	}

}
