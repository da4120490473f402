package dev.vstream.metrics;

import java.time.Instant;

import dev.vstream.listener.ChangeEvent;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.metrics.VStreamListenerObservation.ListenerHighCardinalityTags;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Observation.Context} of one listener call.
 *
 * <p>
 * Its key values are kept as the immutable {@link KeyValues} they are added as (merged
 * when more are added, a key added again replacing the value before, as in any context),
 * not copied into a map: {@link #getLowCardinalityKeyValues()} then hands back what the
 * convention gave, unsorted and uncopied, so that the convention's cached key values and
 * the meters cached by them (see {@link VStreamListenerMeterObservationHandler}) cost
 * nothing per call.
 */
public class VStreamListenerObservationContext extends Observation.Context {

	private final String streamId;

	private final VStreamListenerEndpoint listener;

	private final ChangeEvent change;

	private final @Nullable Dispatch dispatch;

	private volatile KeyValues lowCardinalityKeyValues = KeyValues.empty();

	private volatile KeyValues highCardinalityKeyValues = KeyValues.empty();

	private volatile @Nullable KeyValues commitTimeKeyValues;

	// What VStreamListenerMeterObservationHandler keeps from the start to the stop of the
	// observation: in fields, not in the context's map, which a put would allocate.
	LongTaskTimer.@Nullable Sample activeSample;

	long startTime;

	/**
	 * Create a context.
	 * @param streamId the id of the stream that calls the listener
	 * @param listener the listener
	 * @param change the change handed to it (the last one of the transaction for a
	 * transaction listener)
	 */
	public VStreamListenerObservationContext(String streamId, VStreamListenerEndpoint listener, ChangeEvent change) {
		this(streamId, listener, change, null);
	}

	VStreamListenerObservationContext(String streamId, VStreamListenerEndpoint listener, ChangeEvent change,
			@Nullable Dispatch dispatch) {
		this.streamId = streamId;
		this.listener = listener;
		this.change = change;
		this.dispatch = dispatch;
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

	/**
	 * The names this call is tagged with, shared by all calls with the same ones;
	 * {@code null} when the context was not created by the monitor.
	 */
	@Nullable Dispatch getDispatch() {
		return this.dispatch;
	}

	/**
	 * The {@link ListenerHighCardinalityTags#COMMIT_TIME commit time} of the change as a
	 * key value, none for a change of the copy phase; the same instance every time, its
	 * text formatted only when read (a tracer reads it, the meter handler does not).
	 * @return the key values
	 */
	KeyValues getCommitTimeKeyValues() {
		KeyValues keyValues = this.commitTimeKeyValues;
		if (keyValues == null) {
			Instant commitTime = this.change.commitTime();
			keyValues = (commitTime != null) ? KeyValues.of(new CommitTimeKeyValue(commitTime)) : KeyValues.empty();
			this.commitTimeKeyValues = keyValues;
		}
		return keyValues;
	}

	@Override
	public Observation.Context addLowCardinalityKeyValue(KeyValue keyValue) {
		return addLowCardinalityKeyValues(KeyValues.of(keyValue));
	}

	@Override
	public Observation.Context addLowCardinalityKeyValues(KeyValues keyValues) {
		KeyValues merged = this.lowCardinalityKeyValues.and(keyValues);
		// The same key values added again (the convention is asked at start and at stop)
		// merge into the same instance.
		if (merged != this.lowCardinalityKeyValues) {
			this.lowCardinalityKeyValues = merged;
		}
		return this;
	}

	@Override
	public Observation.Context removeLowCardinalityKeyValue(String keyName) {
		this.lowCardinalityKeyValues = without(this.lowCardinalityKeyValues, keyName);
		return this;
	}

	@Override
	public KeyValues getLowCardinalityKeyValues() {
		return this.lowCardinalityKeyValues;
	}

	@Override
	public @Nullable KeyValue getLowCardinalityKeyValue(String key) {
		return find(this.lowCardinalityKeyValues, key);
	}

	@Override
	public Observation.Context addHighCardinalityKeyValue(KeyValue keyValue) {
		return addHighCardinalityKeyValues(KeyValues.of(keyValue));
	}

	@Override
	public Observation.Context addHighCardinalityKeyValues(KeyValues keyValues) {
		KeyValues merged = this.highCardinalityKeyValues.and(keyValues);
		if (merged != this.highCardinalityKeyValues) {
			this.highCardinalityKeyValues = merged;
		}
		return this;
	}

	@Override
	public Observation.Context removeHighCardinalityKeyValue(String keyName) {
		this.highCardinalityKeyValues = without(this.highCardinalityKeyValues, keyName);
		return this;
	}

	@Override
	public KeyValues getHighCardinalityKeyValues() {
		return this.highCardinalityKeyValues;
	}

	@Override
	public @Nullable KeyValue getHighCardinalityKeyValue(String key) {
		return find(this.highCardinalityKeyValues, key);
	}

	private static KeyValues without(KeyValues keyValues, String key) {
		return (find(keyValues, key) != null)
				? KeyValues.of(keyValues.stream().filter((keyValue) -> !keyValue.getKey().equals(key)).toList())
				: keyValues;
	}

	private static @Nullable KeyValue find(KeyValues keyValues, String key) {
		for (KeyValue keyValue : keyValues) {
			if (keyValue.getKey().equals(key)) {
				return keyValue;
			}
		}
		return null;
	}

	/**
	 * The commit time as text, formatted only when read: a tracer reads it, the meter
	 * handler does not. Equal to another of the same commit time without formatting
	 * either.
	 */
	private static final class CommitTimeKeyValue implements KeyValue {

		private final Instant commitTime;

		private @Nullable String value;

		CommitTimeKeyValue(Instant commitTime) {
			this.commitTime = commitTime;
		}

		@Override
		public String getKey() {
			return ListenerHighCardinalityTags.COMMIT_TIME.asString();
		}

		@Override
		public String getValue() {
			String text = this.value;
			if (text == null) {
				text = this.commitTime.toString();
				this.value = text;
			}
			return text;
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return this == other
					|| (other instanceof CommitTimeKeyValue that && this.commitTime.equals(that.commitTime));
		}

		@Override
		public int hashCode() {
			return this.commitTime.hashCode();
		}

		@Override
		public String toString() {
			return "keyValue(" + getKey() + "=" + getValue() + ")";
		}

	}

}
