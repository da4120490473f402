package dev.vstream.stream;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Publishes a stream's {@link VStreamEvent}s, and tells a session when its stream has
 * become idle. An application listener that throws is logged; the stream goes on.
 *
 * <p>
 * Concurrency: configured before the stream starts (volatile fields); publishes on the
 * thread that calls it, the stream's own but for a failed start.
 */
final class StreamEvents {

	private static final Log logger = LogFactory.getLog(StreamEvents.class);

	private volatile @Nullable ApplicationEventPublisher publisher;

	private volatile @Nullable Duration idleInterval;

	@Nullable ApplicationEventPublisher getPublisher() {
		return this.publisher;
	}

	void setPublisher(@Nullable ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	@Nullable Duration getIdleInterval() {
		return this.idleInterval;
	}

	void setIdleInterval(@Nullable Duration idleInterval) {
		this.idleInterval = (idleInterval != null && !idleInterval.isNegative() && !idleInterval.isZero())
				? idleInterval : null;
	}

	void publish(VStreamEvent event) {
		ApplicationEventPublisher current = this.publisher;
		if (current == null) {
			return;
		}
		try {
			current.publishEvent(event);
		}
		catch (RuntimeException ex) {
			logger.warn("An application listener of " + event + " failed; the stream goes on", ex);
		}
	}

	/**
	 * Start watching a connection for idleness.
	 * @param changesHandled the stream's count of handled changes now
	 * @return the watch, {@code null} when no idle events are wanted
	 */
	@Nullable IdleWatch watch(long changesHandled) {
		Duration interval = this.idleInterval;
		return (interval != null && this.publisher != null) ? new IdleWatch(interval, changesHandled) : null;
	}

	/**
	 * How long a connection has handled no change, checked at each of vtgate's responses:
	 * cheap enough for every response (a counter read and the clock).
	 */
	static final class IdleWatch {

		private final long intervalNanos;

		private long changes;

		private long activeNanos = System.nanoTime();

		private long reportedNanos = this.activeNanos;

		private IdleWatch(Duration interval, long changesHandled) {
			this.intervalNanos = interval.toNanos();
			this.changes = changesHandled;
		}

		/**
		 * @param changesHandled the stream's count of handled changes now
		 * @return how long the stream has been idle when an event is due, else
		 * {@code null}
		 */
		@Nullable Duration check(long changesHandled) {
			long now = System.nanoTime();
			if (changesHandled != this.changes) {
				this.changes = changesHandled;
				this.activeNanos = now;
				this.reportedNanos = now;
				return null;
			}
			if (now - this.reportedNanos < this.intervalNanos) {
				return null;
			}
			this.reportedNanos = now;
			return Duration.ofNanos(now - this.activeNanos);
		}

	}

}
