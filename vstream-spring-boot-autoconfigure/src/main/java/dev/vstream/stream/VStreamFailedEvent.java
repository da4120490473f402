package dev.vstream.stream;

/**
 * A stream failed: it could not start, or it stopped with an error that waiting cannot
 * heal (or gave up reconnecting). Its position stays where it was handled; it streams
 * again only when started again. A {@link VStreamStoppedEvent} follows when it had
 * started.
 */
public class VStreamFailedEvent extends VStreamEvent {

	private final Throwable cause;

	/**
	 * Create an event.
	 * @param container the stream that failed
	 * @param cause why
	 */
	public VStreamFailedEvent(VStreamContainer container, Throwable cause) {
		super(container);
		this.cause = cause;
	}

	/**
	 * @return why the stream failed
	 */
	public Throwable getCause() {
		return this.cause;
	}

	@Override
	public String toString() {
		return "VStreamFailedEvent [stream=" + getStreamId() + ", cause=" + this.cause + "]";
	}

}
