package dev.vstream.stream;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * What a stream reports about itself: its state, the error that failed it or caused the
 * last reconnect, its counters and the times lag is computed from.
 *
 * <p>
 * Concurrency: written by the stream's own thread only (and by {@code start()} before
 * that thread exists); read at any time by callers such as health checks, metrics and the
 * endpoint. Every field is volatile or atomic, so a reader sees each value as last
 * written, though not several values as of one instant.
 */
final class StreamStatus {

	private volatile StreamState state = StreamState.STOPPED;

	private volatile @Nullable Throwable lastError;

	private volatile @Nullable Instant lastEventTime;

	private volatile @Nullable Instant lastCommitTime;

	private volatile @Nullable Instant lastHeartbeatTime;

	private volatile @Nullable Instant reconnectingSince;

	final AtomicLong eventsReceived = new AtomicLong();

	final AtomicLong changesHandled = new AtomicLong();

	final AtomicLong changesFailed = new AtomicLong();

	final AtomicLong reconnects = new AtomicLong();

	StreamState getState() {
		return this.state;
	}

	void setState(StreamState state) {
		this.state = state;
	}

	@Nullable Throwable getLastError() {
		return this.lastError;
	}

	void setLastError(@Nullable Throwable lastError) {
		this.lastError = lastError;
	}

	@Nullable Instant getLastEventTime() {
		return this.lastEventTime;
	}

	void setLastEventTime(Instant lastEventTime) {
		this.lastEventTime = lastEventTime;
	}

	@Nullable Instant getLastCommitTime() {
		return this.lastCommitTime;
	}

	void setLastCommitTime(Instant lastCommitTime) {
		this.lastCommitTime = lastCommitTime;
	}

	@Nullable Instant getLastHeartbeatTime() {
		return this.lastHeartbeatTime;
	}

	void setLastHeartbeatTime(Instant lastHeartbeatTime) {
		this.lastHeartbeatTime = lastHeartbeatTime;
	}

	@Nullable Instant getReconnectingSince() {
		return this.reconnectingSince;
	}

	/**
	 * The stream broke or could not connect: the first of a series dates the reconnect.
	 * @param now the time of the failure
	 */
	void reconnecting(Instant now) {
		if (this.reconnectingSince == null) {
			this.reconnectingSince = now;
		}
	}

	/** vtgate answered on a new connection, or the stream was started or stopped. */
	void connected() {
		this.reconnectingSince = null;
	}

}
