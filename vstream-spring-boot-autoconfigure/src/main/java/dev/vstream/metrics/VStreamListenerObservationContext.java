package dev.vstream.metrics;

import dev.vstream.listener.ChangeEvent;
import dev.vstream.listener.VStreamListenerEndpoint;
import io.micrometer.observation.Observation;

/**
 * The {@link Observation.Context} of one listener call.
 */
public class VStreamListenerObservationContext extends Observation.Context {

	private final String streamId;

	private final VStreamListenerEndpoint listener;

	private final ChangeEvent change;

	/**
	 * Create a context.
	 * @param streamId the id of the stream that calls the listener
	 * @param listener the listener
	 * @param change the change handed to it (the last one of the transaction for a
	 * transaction listener)
	 */
	public VStreamListenerObservationContext(String streamId, VStreamListenerEndpoint listener, ChangeEvent change) {
		this.streamId = streamId;
		this.listener = listener;
		this.change = change;
	}

	/**
	 * @return the id of the stream
	 */
	public String getStreamId() {
		return this.streamId;
	}

	/**
	 * @return the listener
	 */
	public VStreamListenerEndpoint getListener() {
		return this.listener;
	}

	/**
	 * @return the change
	 */
	public ChangeEvent getChange() {
		return this.change;
	}

}
