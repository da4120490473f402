package dev.vstream.metrics;

import dev.vstream.metrics.VStreamListenerObservation.ListenerHighCardinalityTags;
import dev.vstream.metrics.VStreamListenerObservation.ListenerLowCardinalityTags;
import io.micrometer.common.KeyValues;

/**
 * The default {@link VStreamListenerObservationConvention}: name
 * {@code vstream.listener}, contextual name (span name)
 * <code>&lt;keyspace&gt;.&lt;table&gt; process</code>, the key values of
 * {@link ListenerLowCardinalityTags} and {@link ListenerHighCardinalityTags}.
 */
public class DefaultVStreamListenerObservationConvention implements VStreamListenerObservationConvention {

	/** A shared instance. */
	public static final DefaultVStreamListenerObservationConvention INSTANCE = new DefaultVStreamListenerObservationConvention();

	private static final String SYSTEM = "vitess";

	private static final String PROCESS = "process";

	@Override
	public String getContextualName(VStreamListenerObservationContext context) {
		Dispatch dispatch = context.getDispatch();
		return (dispatch != null) ? dispatch.contextualName((key) -> contextualName(key.keyspace, key.table))
				: contextualName(context.getChange().keyspace(), context.getChange().table());
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(VStreamListenerObservationContext context) {
		// Asked twice for every call (start and stop): built once for each combination of
		// the names, which is all they depend on.
		Dispatch dispatch = context.getDispatch();
		if (dispatch != null) {
			return dispatch.lowCardinalityKeyValues((key) -> lowCardinalityKeyValues(key.stream, key.listener,
					key.keyspace, key.shard, key.table, key.op));
		}
		return lowCardinalityKeyValues(context.getStreamId(), context.getListener().getId(),
				context.getChange().keyspace(), context.getChange().shard(), context.getChange().table(),
				MicrometerVStreamMonitor.op(context.getListener(), context.getChange()));
	}

	private static String contextualName(String keyspace, String table) {
		return keyspace + "." + table + " " + PROCESS;
	}

	private static KeyValues lowCardinalityKeyValues(String stream, String listener, String keyspace, String shard,
			String table, String op) {
		return KeyValues.of(ListenerLowCardinalityTags.MESSAGING_SYSTEM.withValue(SYSTEM),
				ListenerLowCardinalityTags.MESSAGING_OPERATION_TYPE.withValue(PROCESS),
				ListenerLowCardinalityTags.MESSAGING_DESTINATION_NAME.withValue(keyspace + "." + table),
				ListenerLowCardinalityTags.STREAM.withValue(stream),
				ListenerLowCardinalityTags.LISTENER_ID.withValue(listener),
				ListenerLowCardinalityTags.KEYSPACE.withValue(keyspace),
				ListenerLowCardinalityTags.SHARD.withValue(shard), ListenerLowCardinalityTags.TABLE.withValue(table),
				ListenerLowCardinalityTags.OPERATION.withValue(op));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(VStreamListenerObservationContext context) {
		return context.getCommitTimeKeyValues();
	}

}
