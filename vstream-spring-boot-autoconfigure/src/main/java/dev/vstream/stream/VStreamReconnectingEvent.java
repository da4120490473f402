package dev.vstream.stream;

/**
 * A stream's connection to vtgate broke, or could not be made, with an error that waiting
 * can heal: it reconnects from its handled position after the given delay (the reconnect
 * back-off). Published before each attempt.
 */
public class VStreamReconnectingEvent extends VStreamEvent {

	private final Throwable cause;

	private final long delayMillis;

	private final long reconnects;

	/**
	 * Create an event.
	 * @param container the stream
	 * @param cause why the connection broke
	 * @param delayMillis how long the stream waits before it reconnects
	 * @param reconnects how many reconnects the stream made since it was started,
	 * counting this one
	 */
	public VStreamReconnectingEvent(VStreamContainer container, Throwable cause, long delayMillis, long reconnects) {
		super(container);
		this.cause = cause;
		this.delayMillis = delayMillis;
		this.reconnects = reconnects;
	}

	/**
	 * @return why the connection broke (usually a gRPC {@code StatusRuntimeException})
	 */
	public Throwable getCause() {
		return this.cause;
	}

	/**
	 * @return how long the stream waits before it reconnects, in milliseconds
	 */
	public long getDelayMillis() {
		return this.delayMillis;
	}

	/**
	 * @return how many reconnects the stream made since it was started, this one included
	 */
	public long getReconnects() {
		return this.reconnects;
	}

	@Override
	public String toString() {
		return "VStreamReconnectingEvent [stream=" + getStreamId() + ", delayMillis=" + this.delayMillis
				+ ", reconnects=" + this.reconnects + "]";
	}

}
