package dev.vstream.metrics;

import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.vstream.listener.DefaultVStreamErrorHandler;
import dev.vstream.listener.ErrorRecovery;
import dev.vstream.listener.RowChange;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.stream.DefaultVStreamContainer;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamSettings;
import dev.vstream.test.Order;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.Status;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.vitess.proto.Topodata.TabletType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.util.backoff.FixedBackOff;

import static dev.vstream.test.vtgate.Events.begin;
import static dev.vstream.test.vtgate.Events.commit;
import static dev.vstream.test.vtgate.Events.corderFields;
import static dev.vstream.test.vtgate.Events.delete;
import static dev.vstream.test.vtgate.Events.insert;
import static dev.vstream.test.vtgate.Events.response;
import static dev.vstream.test.vtgate.Events.row;
import static dev.vstream.test.vtgate.Events.vgtid;
import static dev.vstream.test.vtgate.Events.vgtidEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The meters and observations a real stream records through
 * {@link MicrometerVStreamMonitor}.
 */
class MicrometerVStreamMonitorTests {

	private final StreamFixture<InMemoryOffsetRepository> fixture = StreamFixture.inMemory();

	private final ScriptedVtgate vtgate = this.fixture.vtgate();

	private final MeterRegistry meters = new SimpleMeterRegistry();

	private final ObservationRegistry observations = ObservationRegistry.create();

	private final List<Observation.Context> observed = new CopyOnWriteArrayList<>();

	MicrometerVStreamMonitorTests() {
		this.observations.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public void onStop(Observation.Context context) {
				MicrometerVStreamMonitorTests.this.observed.add(context);
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		});
	}

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void recordsEventsDispatchesFailuresCheckpointsAndLag() {
		this.vtgate.thenSend(response(begin(), corderFields("commerce", "0"),
				insert("commerce", "0", "corder", row(1, 7, "sku-1", "1.00")),
				delete("commerce", "0", "corder", row(2, 7, "fail", "1.00")),
				insert("commerce", "0", "corder", row(3, 7, "sku-3", "1.00")),
				vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-1")), commit()));
		DefaultVStreamContainer container = container(new MicrometerVStreamMonitor(this.meters, null, null));

		container.start();

		await().until(() -> container.getSavedPosition() != null);
		assertThat(this.meters.get("vstream.events.received").tag("stream", "orders").counter().count()).isEqualTo(7);
		Tags insert = Tags.of("stream", "orders", "listener", "recorder", "keyspace", "commerce", "shard", "0", "table",
				"corder", "op", "insert");
		assertThat(this.meters.get("vstream.changes.dispatched").tags(insert).tag("outcome", "success").timer().count())
			.isEqualTo(2);
		Tags delete = Tags.of("stream", "orders", "listener", "recorder", "keyspace", "commerce", "shard", "0", "table",
				"corder", "op", "delete");
		assertThat(this.meters.get("vstream.changes.dispatched").tags(delete).tag("outcome", "failure").timer().count())
			.isEqualTo(1);
		assertThat(this.meters.get("vstream.changes.failed")
			.tags(delete)
			.tag("exception", "IllegalStateException")
			.counter()
			.count()).isEqualTo(1);
		assertThat(this.meters.get("vstream.checkpoint.save").tag("stream", "orders").timer().count()).isEqualTo(1);
		// Events carry a commit time in 2025: the lag is positive and in seconds.
		assertThat(this.meters.get("vstream.lag").tag("stream", "orders").timeGauge().value()).isPositive();
	}

	@Test
	void observesEachListenerCallWithTheConventionsKeyValues() {
		this.vtgate.thenSend(response(begin(), corderFields("commerce", "0"),
				insert("commerce", "0", "corder", row(1, 7, "sku-1", "1.00")),
				vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-1")), commit()));
		DefaultVStreamContainer container = container(new MicrometerVStreamMonitor(null, this.observations, null));

		container.start();

		await().until(() -> this.observed.size() == 1);
		Observation.Context context = this.observed.get(0);
		assertThat(context).isInstanceOf(VStreamListenerObservationContext.class);
		assertThat(context.getName()).isEqualTo("vstream.listener");
		assertThat(context.getContextualName()).isEqualTo("commerce.corder process");
		assertThat(context.getLowCardinalityKeyValues()).containsExactlyInAnyOrder(
				KeyValue.of("messaging.system", "vitess"), KeyValue.of("messaging.operation.type", "process"),
				KeyValue.of("messaging.destination.name", "commerce.corder"), KeyValue.of("vstream.stream", "orders"),
				KeyValue.of("vstream.listener.id", "recorder"), KeyValue.of("vstream.keyspace", "commerce"),
				KeyValue.of("vstream.shard", "0"), KeyValue.of("vstream.table", "corder"),
				KeyValue.of("vstream.operation", "insert"));
		assertThat(context.getHighCardinalityKeyValue("vstream.commit.time")).isNotNull();
		assertThat(context.getError()).isNull();
	}

	@Test
	void observedCallsAreTimedOnceByTheObservation() {
		this.observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(this.meters));
		this.vtgate.thenSend(response(begin(), corderFields("commerce", "0"),
				insert("commerce", "0", "corder", row(1, 7, "sku-1", "1.00")),
				delete("commerce", "0", "corder", row(2, 7, "fail", "1.00")),
				vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-1")), commit()));
		DefaultVStreamContainer container = container(
				new MicrometerVStreamMonitor(this.meters, this.observations, null));

		container.start();

		await().until(() -> container.getSavedPosition() != null);
		assertThat(this.meters.get("vstream.listener").tag("vstream.operation", "insert").timer().count()).isEqualTo(1);
		assertThat(this.meters.get("vstream.listener").tag("vstream.operation", "delete").timer().count()).isEqualTo(1);
		assertThat(this.meters.find("vstream.changes.dispatched").meters()).isEmpty();
		assertThat(this.meters.get("vstream.changes.failed").tag("op", "delete").counter().count()).isEqualTo(1);
	}

	@Test
	void theLagGaugeReadsTheContainerLastReportedUnderTheStreamId() {
		MicrometerVStreamMonitor monitor = new MicrometerVStreamMonitor(this.meters, null, null);
		VStreamContainer first = lagging("orders@commerce/-80", Duration.ofSeconds(30));
		monitor.responseReceived(first, 1);
		TimeGauge lag = this.meters.get("vstream.lag").tag("stream", "orders@commerce/-80").timeGauge();
		assertThat(lag.value(TimeUnit.SECONDS)).isEqualTo(30);
		VStreamContainer second = lagging("orders@commerce/-80", Duration.ofSeconds(2));

		monitor.responseReceived(second, 1);

		assertThat(lag.value(TimeUnit.SECONDS)).isEqualTo(2);
		assertThat(this.meters.find("vstream.lag").timeGauges()).singleElement().isSameAs(lag);
		// The gauge holds containers weakly: both must outlive its readings.
		Reference.reachabilityFence(first);
		Reference.reachabilityFence(second);
	}

	@Test
	void aReplacedContainerIsNotKeptAliveByTheMeters() {
		MicrometerVStreamMonitor monitor = new MicrometerVStreamMonitor(this.meters, null, null);
		WeakReference<VStreamContainer> replaced = reportOnce(monitor, "orders@commerce/-80");
		VStreamContainer current = lagging("orders@commerce/-80", Duration.ofSeconds(2));

		monitor.responseReceived(current, 1);

		// Only a collection tells whether anything still holds the replaced container.
		await().until(() -> {
			System.gc();
			return replaced.get() == null;
		});
		assertThat(this.meters.get("vstream.lag").timeGauge().value(TimeUnit.SECONDS)).isEqualTo(2);
		// The gauge holds what it reads weakly, through the monitor: both must outlive
		// the
		// reading.
		Reference.reachabilityFence(current);
		Reference.reachabilityFence(monitor);
	}

	// In a method of its own: no local variable of the test keeps the container alive.
	private static WeakReference<VStreamContainer> reportOnce(MicrometerVStreamMonitor monitor, String id) {
		VStreamContainer container = lagging(id, Duration.ofSeconds(30));
		monitor.responseReceived(container, 1);
		return new WeakReference<>(container);
	}

	// A container that only has an id and a lag: enough for the gauge, and referenced by
	// nothing but what the monitor and the registry keep.
	private static VStreamContainer lagging(String id, Duration lag) {
		return (VStreamContainer) Proxy.newProxyInstance(VStreamContainer.class.getClassLoader(),
				new Class<?>[] { VStreamContainer.class }, (proxy, method, args) -> switch (method.getName()) {
					case "getId", "toString" -> id;
					case "getLag" -> lag;
					case "hashCode" -> System.identityHashCode(proxy);
					case "equals" -> proxy == args[0];
					default -> throw new UnsupportedOperationException(method.getName());
				});
	}

	@Test
	void aCustomConventionReplacesTheDefault() {
		this.vtgate.thenSend(response(begin(), corderFields("commerce", "0"),
				insert("commerce", "0", "corder", row(1, 7, "sku-1", "1.00")),
				vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-1")), commit()));
		VStreamListenerObservationConvention custom = new DefaultVStreamListenerObservationConvention() {

			@Override
			public String getContextualName(VStreamListenerObservationContext context) {
				return "project " + context.getChange().table();
			}

		};
		DefaultVStreamContainer container = container(new MicrometerVStreamMonitor(null, this.observations, custom));

		container.start();

		await().until(() -> this.observed.size() == 1);
		assertThat(this.observed.get(0).getContextualName()).isEqualTo("project corder");
	}

	@Test
	void countsReconnectsByStatusCode() {
		this.vtgate.thenFail(Status.UNAVAILABLE)
			.thenSend(response(vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-1"))));
		DefaultVStreamContainer container = container(new MicrometerVStreamMonitor(this.meters, null, null));

		container.start();

		await().until(() -> container.getReconnects() == 1 && this.vtgate.requests().size() == 2);
		assertThat(
				this.meters.get("vstream.reconnects").tags("stream", "orders", "code", "UNAVAILABLE").counter().count())
			.isEqualTo(1);
	}

	@Test
	void transactionListenersAreTaggedWithOpTransaction() {
		this.vtgate.thenSend(
				response(begin(), corderFields("commerce", "0"),
						insert("commerce", "0", "corder", row(1, 7, "sku-1", "1.00")),
						delete("commerce", "0", "corder", row(2, 7, "sku-2", "1.00")),
						vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-1")), commit()),
				response(begin(), insert("commerce", "0", "corder", row(3, 7, "fail", "1.00")),
						vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-2")), commit()));
		DefaultVStreamContainer container = container(new MicrometerVStreamMonitor(this.meters, null, null),
				this.fixture.endpoint("batches", "corder", new BatchRecorder(), "on"));

		container.start();

		await().until(
				() -> StreamPosition.of(vgtid("commerce", "0", "MySQL56/a:1-2")).equals(container.getSavedPosition()));
		Tags transaction = Tags.of("stream", "orders", "listener", "batches", "keyspace", "commerce", "shard", "0",
				"table", "corder", "op", "transaction");
		assertThat(this.meters.get("vstream.changes.dispatched")
			.tags(transaction)
			.tag("outcome", "success")
			.timer()
			.count()).isEqualTo(1);
		assertThat(this.meters.get("vstream.changes.dispatched")
			.tags(transaction)
			.tag("outcome", "failure")
			.timer()
			.count()).isEqualTo(1);
		assertThat(this.meters.get("vstream.changes.failed")
			.tags(transaction)
			.tag("exception", "IllegalStateException")
			.counter()
			.count()).isEqualTo(1);
		assertThat(this.meters.find("vstream.changes.dispatched").tag("op", "insert").timer()).isNull();
	}

	@Test
	void undecodableRowsAreCountedWithNoneForWhatCouldNotBeRead() {
		// more lengths than the FIELD event has columns: the row cannot be decoded
		this.vtgate.thenSend(response(begin(), corderFields("commerce", "0"),
				insert("commerce", "0", "corder", row(1, 7, "sku-1", "1.00").toBuilder().addLengths(0).build()),
				vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-1")), commit()));
		DefaultVStreamContainer container = container(new MicrometerVStreamMonitor(this.meters, null, null));

		container.start();

		await().until(() -> this.meters.find("vstream.changes.failed").counter() != null);
		assertThat(this.meters.get("vstream.changes.failed")
			.tags("stream", "orders", "listener", "none", "keyspace", "none", "shard", "none", "table", "none", "op",
					"none")
			.counter()
			.count()).isEqualTo(1);
		assertThat(this.meters.find("vstream.changes.dispatched").timer()).isNull();
	}

	private DefaultVStreamContainer container(MicrometerVStreamMonitor monitor) {
		return container(monitor, this.fixture.endpoint("recorder", "corder", new Recorder(), "on"));
	}

	private DefaultVStreamContainer container(MicrometerVStreamMonitor monitor, VStreamListenerEndpoint endpoint) {
		VStreamSettings settings = new VStreamSettings("orders", "commerce", StartPosition.CURRENT, TabletType.PRIMARY,
				Duration.ZERO, false, new FixedBackOff(10, Long.MAX_VALUE), List.of());
		DefaultVStreamContainer container = this.fixture.container(settings,
				new DefaultVStreamErrorHandler(new FixedBackOff(0, 0), ErrorRecovery.SKIP, null), endpoint);
		container.setMonitor(monitor);
		return container;
	}

	static class BatchRecorder {

		void on(List<RowChange<Order>> changes) {
			if (changes.stream().anyMatch((change) -> change.after() != null && "fail".equals(change.after().sku()))) {
				throw new IllegalStateException("cannot project " + changes.size() + " changes");
			}
		}

	}

	static class Recorder {

		void on(RowChange<Order> change) {
			Order order = (change.after() != null) ? change.after() : change.before();
			if ("fail".equals(order.sku())) {
				throw new IllegalStateException("cannot project " + order.orderId());
			}
		}

	}

}
