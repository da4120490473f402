package dev.vstream.stream;

import org.springframework.context.ApplicationEvent;

/**
 * Base class of the application events a stream publishes about itself: started,
 * reconnecting, idle, failed, stopped. Listen with {@code @EventListener}; events are
 * published on the stream's own thread (a start refused by its checks is published by the
 * caller of {@code start()}), so a listener that blocks holds the stream, and one that
 * throws is logged while the stream goes on.
 */
public abstract class VStreamEvent extends ApplicationEvent {

	private final transient VStreamContainer container;

	/**
	 * Create an event.
	 * @param container the stream it is about
	 */
	protected VStreamEvent(VStreamContainer container) {
		super(container);
		this.container = container;
	}

	/**
	 * @return the stream the event is about
	 */
	public VStreamContainer getContainer() {
		return this.container;
	}

	/**
	 * @return the id of the stream the event is about (a shard stream's own id)
	 */
	public String getStreamId() {
		return this.container.getId();
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + " [stream=" + getStreamId() + "]";
	}

}
