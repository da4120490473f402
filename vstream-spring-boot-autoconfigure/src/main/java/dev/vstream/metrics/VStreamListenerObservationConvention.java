package dev.vstream.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * {@link ObservationConvention} of the
 * {@link VStreamListenerObservation#LISTENER_OBSERVATION observation around each listener
 * call}. Define a bean of this type to replace
 * {@link DefaultVStreamListenerObservationConvention} (for example to add key values),
 * usually by extending it.
 */
public interface VStreamListenerObservationConvention extends ObservationConvention<VStreamListenerObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof VStreamListenerObservationContext;
	}

	@Override
	default String getName() {
		return VStreamListenerObservation.NAME;
	}

}
