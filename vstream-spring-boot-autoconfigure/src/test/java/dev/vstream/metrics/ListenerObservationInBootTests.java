package dev.vstream.metrics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.vstream.autoconfigure.VStreamAutoConfiguration;
import dev.vstream.autoconfigure.VStreamMetricsAutoConfiguration;
import dev.vstream.listener.ChangeEvent;
import dev.vstream.listener.Operation;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamMonitor;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The listener observation in an application with Spring Boot's metrics and observation
 * auto-configuration: {@link VStreamListenerMeterObservationHandler} times it in place of
 * Boot's default meter handler (once), {@code management.metrics.observations.*} applies,
 * and other handlers (a tracer's) still see every observation whole.
 */
class ListenerObservationInBootTests {

	private final ApplicationContextRunner application = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, ObservationAutoConfiguration.class,
				VStreamAutoConfiguration.class, VStreamMetricsAutoConfiguration.class))
		.withPropertyValues("vstream.keyspace=commerce", "vstream.offset-store=memory", "vstream.auto-startup=false",
				"vstream.observation.enabled=true");

	private final ListenerCalls calls = new ListenerCalls();

	private final ChangeEvent change = ListenerCalls.change("commerce", "-80", "corder", Operation.INSERT,
			ListenerCalls.COMMIT_TIME);

	@AfterEach
	void close() {
		this.calls.close();
	}

	@Test
	void theStartersHandlerTimesTheObservationInPlaceOfBootsDefault() {
		this.application.withBean(Tracer.class).run((context) -> {
			assertThat(context).hasSingleBean(VStreamListenerMeterObservationHandler.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);

			call(context);
			call(context);

			assertThat(meters.get("vstream.listener").tag("vstream.shard", "-80").tag("error", "none").timer().count())
				.isEqualTo(2);
			assertThat(meters.get("vstream.listener.active").longTaskTimer().activeTasks()).isZero();
			// Boot's default handler keeps its sample in the context: it did not handle
			// it.
			assertThat(context.getBean(Tracer.class).stopped).hasSize(2)
				.allSatisfy((stopped) -> assertThat((Object) stopped.get(Timer.Sample.class)).isNull());
			assertThat(meters.find("vstream.changes.dispatched").meters()).isEmpty();
		});
	}

	@Test
	void ignoredLongTaskTimersStayIgnored() {
		this.application.withPropertyValues("management.metrics.observations.ignored-meters=long-task-timer")
			.run((context) -> {
				call(context);

				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("vstream.listener").timer().count()).isEqualTo(1);
				assertThat(meters.find("vstream.listener.active").meters()).isEmpty();
			});
	}

	@Test
	void commonKeyValuesTagTheTimer() {
		this.application.withPropertyValues("management.observations.key-values.region=eu").run((context) -> {
			call(context);

			assertThat(context.getBean(MeterRegistry.class)
				.get("vstream.listener")
				.tag("region", "eu")
				.tag("vstream.table", "corder")
				.timer()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void aTracerSeesTheWholeObservationAroundTheCall() {
		this.application.withBean(Tracer.class).run((context) -> {
			Tracer tracer = context.getBean(Tracer.class);
			ObservationRegistry observations = context.getBean(ObservationRegistry.class);
			List<Observation> current = new CopyOnWriteArrayList<>();

			call(context, () -> current.add(observations.getCurrentObservation()));

			assertThat(tracer.started).hasSize(1);
			assertThat(tracer.scopes).isEqualTo(1);
			assertThat(current).singleElement().satisfies((observation) -> {
				assertThat(observation.getContext()).isSameAs(tracer.started.get(0));
				assertThat(observation.getContext().getContextualName()).isEqualTo("commerce.corder process");
				assertThat(observation.getContext().getLowCardinalityKeyValues()).contains(
						KeyValue.of("messaging.destination.name", "commerce.corder"),
						KeyValue.of("vstream.shard", "-80"), KeyValue.of("vstream.operation", "insert"),
						KeyValue.of("vstream.listener.id", "projection.on"));
				assertThat(observation.getContext().getHighCardinalityKeyValue("vstream.commit.time").getValue())
					.isEqualTo("2025-06-01T10:15:30.123456Z");
			});
		});
	}

	@Test
	void noHandlerOfTheStarterWithoutTheObservation() {
		this.application.withPropertyValues("vstream.observation.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(MicrometerVStreamMonitor.class)
				.doesNotHaveBean(VStreamListenerMeterObservationHandler.class));
	}

	private void call(AssertableApplicationContext context) {
		call(context, () -> {
		});
	}

	private void call(AssertableApplicationContext context, Runnable listener) {
		VStreamContainer container = ListenerCalls.container("orders");
		context.getBean(VStreamMonitor.class)
			.invoke(container, this.calls.listener("projection.on"), this.change, listener);
	}

	/** Like a tracer's handler: every observation, and the scope opened around it. */
	static class Tracer implements ObservationHandler<Observation.Context> {

		final List<Observation.Context> started = new CopyOnWriteArrayList<>();

		final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

		volatile int scopes;

		@Override
		public void onStart(Observation.Context context) {
			this.started.add(context);
		}

		@Override
		public void onScopeOpened(Observation.Context context) {
			this.scopes++;
		}

		@Override
		public void onStop(Observation.Context context) {
			this.stopped.add(context);
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

}
