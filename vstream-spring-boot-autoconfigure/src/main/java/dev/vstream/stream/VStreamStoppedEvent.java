package dev.vstream.stream;

/**
 * A stream's thread has ended, its last handled position saved where it could be.
 */
public class VStreamStoppedEvent extends VStreamEvent {

	private final Reason reason;

	/**
	 * Create an event.
	 * @param container the stream that stopped
	 * @param reason why it stopped
	 */
	public VStreamStoppedEvent(VStreamContainer container, Reason reason) {
		super(container);
		this.reason = reason;
	}

	/**
	 * @return why the stream stopped
	 */
	public Reason getReason() {
		return this.reason;
	}

	@Override
	public String toString() {
		return "VStreamStoppedEvent [stream=" + getStreamId() + ", reason=" + this.reason + "]";
	}

	/**
	 * Why a stream stopped.
	 */
	public enum Reason {

		/** Asked to: {@code stop()}, the actuator, or the application's shutdown. */
		NORMAL,

		/** Failed: see the {@link VStreamFailedEvent} before this one. */
		FAILED,

		/** At a reshard journal handed to the reshard handler (scaled out). */
		RESHARDED

	}

}
