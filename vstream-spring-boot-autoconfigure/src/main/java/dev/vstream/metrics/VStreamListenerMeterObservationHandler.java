package dev.vstream.metrics;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler.IgnoredMeters;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * The meters of the {@code vstream.listener} observation, as Micrometer's
 * {@link DefaultMeterObservationHandler} records them for any observation, for a fraction
 * of its cost per call: a {@code vstream.listener} timer tagged with the low-cardinality
 * key values at the stop and {@code error} (the simple class name of what the listener
 * threw, {@code none}), a {@code vstream.listener.active} long task timer tagged with the
 * low-cardinality key values at the start (unless {@link IgnoredMeters#LONG_TASK_TIMER
 * ignored}), and a counter <code>vstream.listener.&lt;event&gt;</code> per event.
 *
 * <p>
 * The default handler builds tags and looks both timers up in the registry on every call,
 * which, once per row, costs several times the row itself. This one keeps the meters of
 * each set of key values, looked up by the {@link KeyValues} instance, which the
 * {@link VStreamListenerObservationContext} and the default convention keep the same
 * across calls. Spring Boot puts meter observation handlers in one group of which the
 * first that supports a context handles it: this one comes before Boot's default handler
 * and supports {@link VStreamListenerObservationContext} only, so that each call is timed
 * once. Registered alone beside the default handler (not grouped), both would time it.
 *
 * <p>
 * Concurrency: any thread.
 */
public class VStreamListenerMeterObservationHandler
		implements MeterObservationHandler<VStreamListenerObservationContext> {

	private static final String NONE = "none";

	private final MeterRegistry registry;

	private final boolean longTaskTimer;

	// A power of two: slots are chosen by masking the hash.
	private static final int SLOTS = 16;

	// By observation name (a convention may rename it), then key values.
	private final Map<String, Map<KeyValues, Meters>> meters = new ConcurrentHashMap<>();

	// The meters last used, by the identity of their key values: KeyValues compute their
	// hash on every call, over all the key values.
	private final Meters[] recent = new Meters[SLOTS];

	/**
	 * Create a handler.
	 * @param registry where the meters go
	 * @param ignoredMeters the meters not to record, as
	 * {@code management.metrics.observations.ignored-meters} gives them
	 */
	public VStreamListenerMeterObservationHandler(MeterRegistry registry, IgnoredMeters... ignoredMeters) {
		this.registry = registry;
		this.longTaskTimer = !Arrays.asList(ignoredMeters).contains(IgnoredMeters.LONG_TASK_TIMER);
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof VStreamListenerObservationContext;
	}

	@Override
	public void onStart(VStreamListenerObservationContext context) {
		if (this.longTaskTimer) {
			context.activeSample = meters(context).active().start();
		}
		context.startTime = this.registry.config().clock().monotonicTime();
	}

	@Override
	public void onStop(VStreamListenerObservationContext context) {
		long duration = this.registry.config().clock().monotonicTime() - context.startTime;
		Throwable error = context.getError();
		meters(context).timer((error != null) ? error.getClass().getSimpleName() : NONE)
			.record(duration, TimeUnit.NANOSECONDS);
		LongTaskTimer.Sample active = context.activeSample;
		if (active != null) {
			active.stop();
		}
	}

	@Override
	public void onEvent(Observation.Event event, VStreamListenerObservationContext context) {
		// Events are rare (the starter sends none): not kept.
		Counter.builder(context.getName() + "." + event.getName())
			.tags(tags(context.getLowCardinalityKeyValues()))
			.register(this.registry)
			.increment();
	}

	private Meters meters(Observation.Context context) {
		// The same instance call after call (see VStreamListenerObservationContext):
		// found by identity.
		KeyValues keyValues = context.getLowCardinalityKeyValues();
		String name = context.getName();
		int slot = System.identityHashCode(keyValues) & (SLOTS - 1);
		Meters found = this.recent[slot];
		if (found != null && found.keyValues == keyValues && found.name.equals(name)) {
			return found;
		}
		found = this.meters.computeIfAbsent(name, (key) -> new ConcurrentHashMap<>())
			.computeIfAbsent(keyValues, (key) -> new Meters(name, key));
		// Written without synchronization: Meters are safely published (final fields),
		// and a reader that misses one looks it up again.
		this.recent[slot] = found;
		return found;
	}

	private static Tags tags(KeyValues keyValues) {
		Tag[] tags = new Tag[(int) keyValues.stream().count()];
		int i = 0;
		for (KeyValue keyValue : keyValues) {
			tags[i++] = Tag.of(keyValue.getKey(), keyValue.getValue());
		}
		return Tags.of(tags);
	}

	/**
	 * The meters of one set of key values, registered on first use: the long task timer
	 * with those at the start, the timers with those at the stop (the same unless an
	 * observation filter adds some).
	 */
	private final class Meters {

		private final String name;

		private final KeyValues keyValues;

		private final Tags tags;

		private volatile @Nullable LongTaskTimer active;

		private volatile @Nullable Timer success;

		private final Map<String, Timer> failures = new ConcurrentHashMap<>();

		Meters(String name, KeyValues keyValues) {
			this.name = name;
			this.keyValues = keyValues;
			this.tags = tags(keyValues);
		}

		LongTaskTimer active() {
			LongTaskTimer timer = this.active;
			if (timer == null) {
				timer = LongTaskTimer.builder(this.name + ".active")
					.tags(this.tags)
					.register(VStreamListenerMeterObservationHandler.this.registry);
				this.active = timer;
			}
			return timer;
		}

		Timer timer(String error) {
			if (error.equals(NONE)) {
				Timer timer = this.success;
				if (timer == null) {
					timer = register(NONE);
					this.success = timer;
				}
				return timer;
			}
			return this.failures.computeIfAbsent(error, this::register);
		}

		private Timer register(String error) {
			return Timer.builder(this.name)
				.tags(this.tags.and("error", error))
				.register(VStreamListenerMeterObservationHandler.this.registry);
		}

	}

}
