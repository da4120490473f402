package dev.vstream.stream;

/**
 * A stream was started: its checks passed, its start position is known and its thread
 * runs; it connects to vtgate next ({@link VStreamContainer#getStart()} says where from).
 */
public class VStreamStartedEvent extends VStreamEvent {

	/**
	 * Create an event.
	 * @param container the stream that started
	 */
	public VStreamStartedEvent(VStreamContainer container) {
		super(container);
	}

}
