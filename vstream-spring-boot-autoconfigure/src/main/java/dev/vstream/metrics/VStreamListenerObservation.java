package dev.vstream.metrics;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations of this starter.
 *
 * <p>
 * {@link #LISTENER_OBSERVATION}: one {@code vstream.listener} observation around each
 * {@code @VStreamListener} method call (once per row, or once per transaction for
 * transaction listeners), on the stream's thread; retries made by the error handler are
 * not observed again. With a tracer (for example {@code micrometer-tracing-bridge-otel}),
 * each call becomes a span named {@code <keyspace>.
 *
<table>
 *  process}, and the listener's own observed work (JDBC, HTTP clients) becomes its
 * children; with metrics, Boot's observation handler records a {@code vstream.listener}
 * timer tagged with the low-cardinality key values.
 */
public enum VStreamListenerObservation implements ObservationDocumentation {

	/** A listener call. */
	LISTENER_OBSERVATION {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultVStreamListenerObservationConvention.class;
		}

		@Override
		public String getPrefix() {
			return "vstream";
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return ListenerLowCardinalityTags.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return ListenerHighCardinalityTags.values();
		}

	};

	/** The name of the listener observation. */
	public static final String NAME = "vstream.listener";

	/** Low-cardinality key values of {@link #LISTENER_OBSERVATION}. */
	public enum ListenerLowCardinalityTags implements KeyName {

		/** The stream id. */
		STREAM {
			@Override
			public String asString() {
				return "vstream.stream";
			}
		},

		/** The listener id. */
		LISTENER_ID {
			@Override
			public String asString() {
				return "vstream.listener.id";
			}
		},

		/** The keyspace of the change. */
		KEYSPACE {
			@Override
			public String asString() {
				return "vstream.keyspace";
			}
		},

		/** The shard of the change. */
		SHARD {
			@Override
			public String asString() {
				return "vstream.shard";
			}
		},

		/** The table of the change. */
		TABLE {
			@Override
			public String asString() {
				return "vstream.table";
			}
		},

		/**
		 * {@code insert}, {@code update} or {@code delete}; {@code transaction} for a
		 * listener that takes a whole transaction.
		 */
		OPERATION {
			@Override
			public String asString() {
				return "vstream.operation";
			}
		}

	}

	/** High-cardinality key values of {@link #LISTENER_OBSERVATION}. */
	public enum ListenerHighCardinalityTags implements KeyName {

		/**
		 * The commit time of the change (ISO-8601), absent for rows of the copy phase.
		 */
		COMMIT_TIME {
			@Override
			public String asString() {
				return "vstream.commit.time";
			}
		}

	}

}
