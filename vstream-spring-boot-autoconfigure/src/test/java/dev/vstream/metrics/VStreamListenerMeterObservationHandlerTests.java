package dev.vstream.metrics;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.vstream.listener.ChangeEvent;
import dev.vstream.listener.Operation;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.stream.VStreamContainer;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler.IgnoredMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link VStreamListenerMeterObservationHandler} records what Micrometer's
 * {@link DefaultMeterObservationHandler} records for the listener observation: the same
 * meters, tags and counts.
 */
class VStreamListenerMeterObservationHandlerTests {

	private final ListenerCalls calls = new ListenerCalls();

	private final VStreamContainer orders = ListenerCalls.container("orders");

	private final VStreamContainer shard = ListenerCalls.container("orders@commerce/-80");

	private final VStreamListenerEndpoint projection = this.calls.listener("projection.on");

	private final VStreamListenerEndpoint audit = this.calls.listener("audit.on");

	@AfterEach
	void close() {
		this.calls.close();
	}

	@Test
	void recordsTheMetersOfMicrometersDefaultHandler() {
		MeterRegistry expected = new SimpleMeterRegistry();
		MeterRegistry actual = new SimpleMeterRegistry();

		callListeners(observations(new DefaultMeterObservationHandler(expected)), false);
		callListeners(observations(new VStreamListenerMeterObservationHandler(actual)), false);

		assertThat(meters(actual)).isNotEmpty().containsExactlyElementsOf(meters(expected));
		assertThat(actual.get("vstream.listener")
			.tags("vstream.stream", "orders", "vstream.listener.id", "projection.on", "vstream.shard", "-80",
					"vstream.operation", "insert", "error", "none")
			.timer()
			.count()).isEqualTo(2);
		assertThat(actual.get("vstream.listener").tag("error", "IllegalStateException").timer().count()).isEqualTo(2);
	}

	@Test
	void keyValuesAddedByAFilterTagTheTimerAsWithTheDefaultHandler() {
		MeterRegistry expected = new SimpleMeterRegistry();
		MeterRegistry actual = new SimpleMeterRegistry();

		callListeners(observations(new DefaultMeterObservationHandler(expected)), true);
		callListeners(observations(new VStreamListenerMeterObservationHandler(actual)), true);

		assertThat(meters(actual)).containsExactlyElementsOf(meters(expected));
		// Filters apply at the stop: the timer has the key value, the long task timer
		// not.
		assertThat(actual.find("vstream.listener").tag("region", "eu").timers()).isNotEmpty();
		assertThat(actual.find("vstream.listener.active").tag("region", "eu").longTaskTimers()).isEmpty();
	}

	@Test
	void aCallInProgressIsAnActiveTask() {
		MeterRegistry registry = new SimpleMeterRegistry();
		MicrometerVStreamMonitor monitor = new MicrometerVStreamMonitor(null,
				observations(new VStreamListenerMeterObservationHandler(registry)), null);
		AtomicLong active = new AtomicLong(-1);

		monitor.invoke(this.orders, this.projection, insert("0"),
				() -> active.set(registry.get("vstream.listener.active").longTaskTimer().activeTasks()));

		assertThat(active).hasValue(1);
		assertThat(registry.get("vstream.listener.active").longTaskTimer().activeTasks()).isZero();
	}

	@Test
	void ignoredLongTaskTimersAreNotRecorded() {
		MeterRegistry registry = new SimpleMeterRegistry();
		MicrometerVStreamMonitor monitor = new MicrometerVStreamMonitor(null,
				observations(new VStreamListenerMeterObservationHandler(registry, IgnoredMeters.LONG_TASK_TIMER)),
				null);

		monitor.invoke(this.orders, this.projection, insert("0"), () -> {
		});

		assertThat(registry.get("vstream.listener").timer().count()).isEqualTo(1);
		assertThat(registry.find("vstream.listener.active").meters()).isEmpty();
	}

	@Test
	void supportsOnlyTheListenerObservation() {
		MeterRegistry registry = new SimpleMeterRegistry();
		ObservationRegistry observations = observations(new VStreamListenerMeterObservationHandler(registry));

		Observation.createNotStarted("other", observations).observe(() -> {
		});

		assertThat(registry.getMeters()).isEmpty();
	}

	// Every call twice, so that the second one finds what the first one built: two
	// streams, two listeners, two shards, two tables, three operations, and failures.
	private void callListeners(ObservationRegistry observations, boolean filtered) {
		if (filtered) {
			observations.observationConfig()
				.observationFilter((context) -> context.addLowCardinalityKeyValue(KeyValue.of("region", "eu")));
		}
		MicrometerVStreamMonitor monitor = new MicrometerVStreamMonitor(null, observations, null);
		List<ChangeEvent> changes = List.of(insert("0"), insert("-80"),
				ListenerCalls.change("commerce", "0", "customer", Operation.UPDATE, ListenerCalls.COMMIT_TIME),
				ListenerCalls.change("commerce", "-80", "corder", Operation.DELETE, null));
		for (int round = 0; round < 2; round++) {
			for (ChangeEvent change : changes) {
				monitor.invoke(this.orders, this.projection, change, () -> {
				});
				monitor.invoke(this.shard, this.audit, change, () -> {
				});
			}
			assertThatIllegalStateException()
				.isThrownBy(() -> monitor.invoke(this.orders, this.audit, insert("0"), () -> {
					throw new IllegalStateException("cannot project");
				}));
		}
	}

	private static ChangeEvent insert(String shard) {
		return ListenerCalls.change("commerce", shard, "corder", Operation.INSERT, ListenerCalls.COMMIT_TIME);
	}

	private static ObservationRegistry observations(ObservationHandler<?> handler) {
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(handler);
		return observations;
	}

	// Each meter as type, id (name and tags) and count, in order.
	private static List<String> meters(MeterRegistry registry) {
		return registry.getMeters().stream().map((meter) -> {
			if (meter instanceof Timer timer) {
				return "timer " + meter.getId() + " count=" + timer.count();
			}
			if (meter instanceof LongTaskTimer timer) {
				return "long task timer " + meter.getId() + " active=" + timer.activeTasks();
			}
			return meter.getId().getType() + " " + meter.getId();
		}).sorted().toList();
	}

}
