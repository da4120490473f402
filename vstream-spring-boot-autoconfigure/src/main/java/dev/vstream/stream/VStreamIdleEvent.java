package dev.vstream.stream;

import java.time.Duration;

/**
 * A stream has handled no row change for at least the configured idle interval while
 * connected to vtgate, and is published again at each further interval while that lasts.
 * Found at vtgate's responses, heartbeats included, so it comes up to one heartbeat
 * interval late.
 */
public class VStreamIdleEvent extends VStreamEvent {

	private final Duration idleTime;

	/**
	 * Create an event.
	 * @param container the idle stream
	 * @param idleTime how long it has handled no change
	 */
	public VStreamIdleEvent(VStreamContainer container, Duration idleTime) {
		super(container);
		this.idleTime = idleTime;
	}

	/**
	 * @return how long the stream has handled no row change (since its last change, or
	 * since it connected)
	 */
	public Duration getIdleTime() {
		return this.idleTime;
	}

	@Override
	public String toString() {
		return "VStreamIdleEvent [stream=" + getStreamId() + ", idleTime=" + this.idleTime + "]";
	}

}
