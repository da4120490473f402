package dev.vstream.metrics;

import java.time.Instant;

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
		return destination(context) + " " + PROCESS;
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(VStreamListenerObservationContext context) {
		return KeyValues.of(ListenerLowCardinalityTags.MESSAGING_SYSTEM.withValue(SYSTEM),
				ListenerLowCardinalityTags.MESSAGING_OPERATION_TYPE.withValue(PROCESS),
				ListenerLowCardinalityTags.MESSAGING_DESTINATION_NAME.withValue(destination(context)),
				ListenerLowCardinalityTags.STREAM.withValue(context.getStreamId()),
				ListenerLowCardinalityTags.LISTENER_ID.withValue(context.getListener().getId()),
				ListenerLowCardinalityTags.KEYSPACE.withValue(context.getChange().keyspace()),
				ListenerLowCardinalityTags.SHARD.withValue(context.getChange().shard()),
				ListenerLowCardinalityTags.TABLE.withValue(context.getChange().table()),
				ListenerLowCardinalityTags.OPERATION
					.withValue(MicrometerVStreamMonitor.op(context.getListener(), context.getChange())));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(VStreamListenerObservationContext context) {
		Instant commitTime = context.getChange().commitTime();
		return (commitTime != null)
				? KeyValues.of(ListenerHighCardinalityTags.COMMIT_TIME.withValue(commitTime.toString()))
				: KeyValues.empty();
	}

	private static String destination(VStreamListenerObservationContext context) {
		return context.getChange().keyspace() + "." + context.getChange().table();
	}

}
