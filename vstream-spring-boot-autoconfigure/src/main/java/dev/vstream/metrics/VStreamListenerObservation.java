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
 * transaction listeners), on the stream's thread; a retry made by the error handler is
 * observed like the first call. Opt-in: {@code vstream.observation.enabled}. With a
 * tracer (for example {@code micrometer-tracing-bridge-otel}), each call becomes a span
 * named <code>&lt;keyspace&gt;.&lt;table&gt; process</code>, and the listener's own
 * observed work (JDBC, HTTP clients) becomes its children; with metrics,
 * {@link VStreamListenerMeterObservationHandler} (asked before Boot's default meter
 * handler) records a {@code vstream.listener} timer tagged with the low-cardinality key
 * values, in place of {@link MicrometerVStreamMonitor#CHANGES_DISPATCHED}.
 */
public enum VStreamListenerObservation implements ObservationDocumentation {

	/** A listener call. */
	LISTENER_OBSERVATION {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultVStreamListenerObservationConvention.class;
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

	/**
	 * Low-cardinality key values of {@link #LISTENER_OBSERVATION}: OpenTelemetry's
	 * messaging ones, and the starter's own.
	 */
	public enum ListenerLowCardinalityTags implements KeyName {

		/** The messaging system: {@code vitess}. */
		MESSAGING_SYSTEM {
			@Override
			public String asString() {
				return "messaging.system";
			}
		},

		/** What is done with the change: {@code process}. */
		MESSAGING_OPERATION_TYPE {
			@Override
			public String asString() {
				return "messaging.operation.type";
			}
		},

		/** Where the change comes from: <code>&lt;keyspace&gt;.&lt;table&gt;</code>. */
		MESSAGING_DESTINATION_NAME {
			@Override
			public String asString() {
				return "messaging.destination.name";
			}
		},

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
