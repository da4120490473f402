package dev.vstream.actuate;

import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.vstream.actuate.VStreamEndpoint.ListenerDescriptor;
import dev.vstream.actuate.VStreamEndpoint.PositionDescriptor;
import dev.vstream.actuate.VStreamEndpoint.ShardDescriptor;
import dev.vstream.actuate.VStreamEndpoint.StreamDescriptor;
import dev.vstream.listener.Operation;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.position.StartPosition;
import dev.vstream.stream.DefaultVStreamContainer;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.test.vtgate.Events;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.core.annotation.MergedAnnotations;

import static dev.vstream.test.vtgate.Events.heartbeat;
import static dev.vstream.test.vtgate.Events.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link VStreamEndpoint}.
 */
class VStreamEndpointTests extends AbstractStreamTests {

	@Test
	void streamsDescribesEveryStream() {
		// The audit listener's keyspace wants other tables: a call of its own, and the
		// stream's position covers both calls.
		DefaultVStreamContainer streaming = container("orders", StartPosition.CURRENT,
				List.of(listener("orderListener", "", "orders", Operation.INSERT, Operation.UPDATE),
						listener("auditListener", "audit", "order_log")));
		start(streaming, (container) -> this.vtgate.requests().size() == 2);
		this.vtgate.sendTo(KEYSPACE, "",
				response(Events.vgtidEvent(Events.vgtid(KEYSPACE, "-80", "MySQL56/a1:1-42")), heartbeat()));
		this.vtgate.sendTo("audit", "", response(Events.vgtidEvent(Events.vgtid("audit", "0", "MySQL56/a1:1-42"))));
		await().until(() -> streaming.getState() == StreamState.STREAMING && streaming.getEventsReceived() == 3);
		DefaultVStreamContainer idle = container("customers", StartPosition.CURRENT);
		idle.setAutoStartup(false);

		List<StreamDescriptor> streams = endpoint(streaming, idle).streams().streams();

		assertThat(streams).extracting(StreamDescriptor::id).containsExactly("orders", "customers");
		StreamDescriptor orders = streams.get(0);
		assertThat(orders.state()).isEqualTo(StreamState.STREAMING);
		assertThat(orders.running()).isTrue();
		assertThat(orders.autoStartup()).isTrue();
		assertThat(orders.lastError()).isNull();
		assertThat(orders.position()).isEqualTo(
				new PositionDescriptor(List.of(new ShardDescriptor("commerce", "-80", "MySQL56/a1:1-42", List.of()),
						new ShardDescriptor("audit", "0", "MySQL56/a1:1-42", List.of()))));
		assertThat(orders.lastEventTime()).isEqualTo(streaming.getLastEventTime()).isNotNull();
		assertThat(orders.lastCommitTime()).isNull();
		// no change yet, but vtgate's heartbeat tells how far behind the stream is
		assertThat(orders.lagMillis()).isNotNull();
		assertThat(orders.eventsReceived()).isEqualTo(3);
		assertThat(orders.changesHandled()).isZero();
		assertThat(orders.changesFailed()).isZero();
		assertThat(orders.reconnects()).isZero();
		assertThat(orders.tables()).containsExactly("commerce.orders", "audit.order_log");
		assertThat(orders.listeners()).containsExactly(
				new ListenerDescriptor("orderListener", "commerce", "orders",
						EnumSet.of(Operation.INSERT, Operation.UPDATE), true, true, 0, 0, null, null),
				new ListenerDescriptor("auditListener", "audit", "order_log", EnumSet.allOf(Operation.class), true,
						true, 0, 0, null, null));
		StreamDescriptor customers = streams.get(1);
		assertThat(customers.state()).isEqualTo(StreamState.STOPPED);
		assertThat(customers.running()).isFalse();
		assertThat(customers.autoStartup()).isFalse();
		assertThat(customers.position()).isNull();
		assertThat(customers.lastEventTime()).isNull();
	}

	@Test
	void streamDescribesOneStream() {
		VStreamEndpoint endpoint = endpoint(container("orders", StartPosition.CURRENT),
				container("customers", StartPosition.CURRENT));

		assertThat(endpoint.stream("customers")).extracting(StreamDescriptor::id).isEqualTo("customers");
	}

	@Test
	void streamThatLostItsPositionSaysWhereItStartedAndThatItRanBefore() {
		DefaultVStreamContainer lost = container("orders", StartPosition.CURRENT);
		lost.getContainerOptions().setRunMarker(everyStreamRanBefore());
		start(lost, (waiting) -> this.vtgate.requests().size() == 1);
		DefaultVStreamContainer notStarted = container("customers", StartPosition.CURRENT);

		VStreamEndpoint endpoint = endpoint(lost, notStarted);

		assertThat(endpoint.stream("orders")).satisfies((stream) -> {
			assertThat(stream.startedFrom()).isEqualTo("current");
			assertThat(stream.startedWithoutSavedPosition()).isTrue();
			assertThat(stream.ranBefore()).isTrue();
		});
		assertThat(endpoint.stream("customers")).satisfies((stream) -> {
			assertThat(stream.startedFrom()).isNull();
			assertThat(stream.startedWithoutSavedPosition()).isFalse();
			assertThat(stream.ranBefore()).isNull();
		});
	}

	@Test
	void streamIsNullForAnUnknownId() {
		VStreamEndpoint endpoint = endpoint(container("orders", StartPosition.CURRENT));

		assertThat(endpoint.stream("customers")).isNull();
	}

	@Test
	void copyingStreamShowsTheTablesBeingCopied() {
		this.vtgate.thenSend(response(vgtid("0", "MySQL56/a1:1-7", "customer")));
		VStreamContainer container = start("orders", StartPosition.COPY, (copying) -> copying.getEventsReceived() == 1);

		StreamDescriptor stream = endpoint(container).stream("orders");

		assertThat(stream.state()).isEqualTo(StreamState.COPYING);
		assertThat(stream.position().shards())
			.containsExactly(new ShardDescriptor("commerce", "0", "MySQL56/a1:1-7", List.of("customer")));
	}

	@Test
	void reconnectingStreamShowsTheErrorMessageAndReconnects() {
		this.vtgate.thenFail(Status.UNAVAILABLE.withDescription("vtgate is restarting"));
		VStreamContainer container = start("orders", StreamState.RECONNECTING);

		StreamDescriptor stream = endpoint(container).stream("orders");

		assertThat(stream.state()).isEqualTo(StreamState.RECONNECTING);
		assertThat(stream.running()).isTrue();
		assertThat(stream.lastError()).isEqualTo("UNAVAILABLE: vtgate is restarting");
		assertThat(stream.reconnects()).isEqualTo(1);
	}

	@Test
	void failedStreamShowsTheErrorMessageOnly() {
		this.vtgate.thenFail(Status.INVALID_ARGUMENT.withDescription("unknown table customer"));
		VStreamContainer container = start("orders", StreamState.FAILED);

		StreamDescriptor stream = endpoint(container).stream("orders");
		String json = JsonMapper.builder().build().writeValueAsString(endpoint(container).streams());

		assertThat(stream.running()).isFalse();
		assertThat(stream.lastError())
			.isEqualTo("Stream 'orders' failed: vtgate refused it with INVALID_ARGUMENT: unknown table customer");
		assertThat(json).contains(
				"\"lastError\":\"Stream 'orders' failed: vtgate refused it with INVALID_ARGUMENT: unknown table customer\"")
			.doesNotContain("stackTrace", "cause", "StatusRuntimeException", "VStreamException", "\\tat ");
	}

	@Test
	void credentialsInAnErrorMessageAreMasked() {
		ScriptedContainer container = scripted("orders").is(StreamState.FAILED,
				new IllegalStateException("cannot reach mysql://vt_app:s3cret@db:3306/commerce (password=hunter2)"));

		String json = JsonMapper.builder().build().writeValueAsString(endpoint(container).streams());

		assertThat(json).contains("mysql://******@db:3306/commerce (password=******)")
			.doesNotContain("s3cret", "hunter2", "vt_app");
	}

	@Test
	void lagIsTheTimeSinceTheLastCommit() {
		ScriptedContainer container = scripted("orders").is(StreamState.STREAMING, null)
			.committedAt(NOW.minusSeconds(3));

		StreamDescriptor stream = endpoint(container).stream("orders");

		assertThat(stream.lastCommitTime()).isEqualTo(NOW.minusSeconds(3));
		assertThat(stream.lagMillis()).isEqualTo(3000);
	}

	@Test
	void jsonHasIsoTimesAndOperationNames() {
		ScriptedContainer container = track(new ScriptedContainer("orders", this.vtgate.channel()) {

			@Override
			public Collection<VStreamListenerEndpoint> getEndpoints() {
				return List.of(listener("orderListener", "", "orders", Operation.DELETE));
			}

		}).is(StreamState.STREAMING, null).committedAt(NOW.minus(Duration.ofMillis(250)));

		String json = JsonMapper.builder().build().writeValueAsString(endpoint(container).stream("orders"));

		assertThat(json).contains("\"id\":\"orders\"", "\"state\":\"STREAMING\"",
				"\"lastCommitTime\":\"2025-06-01T11:59:59.750Z\"", "\"lagMillis\":250",
				"\"listeners\":[{\"id\":\"orderListener\",\"keyspace\":\"commerce\",\"table\":\"orders\","
						+ "\"operations\":[\"DELETE\"],\"running\":true,\"autoStartup\":true,\"changesHandled\":0,"
						+ "\"changesFailed\":0,\"lastHandledTime\":null,\"lastError\":null}]");
	}

	@Test
	void stopStopsARunningStream() {
		this.vtgate.thenSend(response(vgtid("0", "MySQL56/a1:1-42")));
		VStreamContainer container = start("orders", StreamState.STREAMING);

		StreamDescriptor stream = endpoint(container).control("orders", "stop", null, null);

		assertThat(stream.running()).isFalse();
		assertThat(container.isRunning()).isFalse();
		await().until(() -> container.getState() == StreamState.STOPPED);
		assertThat(endpoint(container).stream("orders").position().shards()).extracting(ShardDescriptor::gtid)
			.containsExactly("MySQL56/a1:1-42");
	}

	@Test
	void stopRefusesAStreamThatIsNotRunning() {
		DefaultVStreamContainer container = container("orders", StartPosition.CURRENT);

		assertThatIllegalStateException().isThrownBy(() -> endpoint(container).control("orders", "stop", null, null))
			.withMessage("Stream 'orders' is not running (STOPPED)");
	}

	@Test
	void startStartsAStoppedStream() {
		this.vtgate.thenSend(response(vgtid("0", "MySQL56/a1:1-42")));
		DefaultVStreamContainer container = container("orders", StartPosition.CURRENT);
		container.setAutoStartup(false);

		StreamDescriptor stream = endpoint(container).control("orders", "START", null, null);

		assertThat(stream.running()).isTrue();
		await().until(() -> container.getState() == StreamState.STREAMING && this.vtgate.requests().size() == 1);
		assertThat(container.getEventsReceived()).isLessThanOrEqualTo(1);
	}

	@Test
	void startRestartsAFailedStream() {
		this.vtgate.thenFail(Status.INVALID_ARGUMENT.withDescription("unknown table customer"));
		VStreamContainer container = start("orders", StreamState.FAILED);
		this.vtgate.thenSend(response(vgtid("0", "MySQL56/a1:1-42")));

		endpoint(container).control("orders", "start", null, null);

		await().until(() -> container.getState() == StreamState.STREAMING);
		assertThat(endpoint(container).stream("orders").lastError()).isNull();
	}

	@Test
	void startRefusesARunningStream() {
		this.vtgate.thenFail(Status.UNAVAILABLE);
		VStreamContainer container = start("orders", StreamState.RECONNECTING);

		assertThatIllegalStateException().isThrownBy(() -> endpoint(container).control("orders", "start", null, null))
			.withMessage("Stream 'orders' is already running (RECONNECTING); stop it first to restart it");
	}

	@Test
	void startRefusesAStreamWithoutListeners() {
		DefaultVStreamContainer container = container("orders", StartPosition.CURRENT, List.of());

		assertThatIllegalStateException().isThrownBy(() -> endpoint(container).control("orders", "start", null, null))
			.withMessage("Stream 'orders' has no listeners; starting it would stream nothing");
		assertThat(container.isRunning()).isFalse();
	}

	@Test
	void controlRejectsAnUnknownAction() {
		DefaultVStreamContainer container = container("orders", StartPosition.CURRENT);

		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint(container).control("orders", "jump", null, null))
			.withMessageContaining("Unknown action 'jump'");
		assertThat(container.isRunning()).isFalse();
	}

	@Test
	void controlIsNullForAnUnknownId() {
		DefaultVStreamContainer container = container("orders", StartPosition.CURRENT);

		assertThat(endpoint(container).control("customers", "start", null, null)).isNull();
		assertThat(container.isRunning()).isFalse();
	}

	@Test
	void streamsAreReadOnEachRequest() {
		List<VStreamContainer> containers = new CopyOnWriteArrayList<>();
		VStreamEndpoint endpoint = new VStreamEndpoint(() -> containers, this.clock);
		assertThat(endpoint.streams().streams()).isEmpty();

		containers.add(container("orders", StartPosition.CURRENT));

		assertThat(endpoint.streams().streams()).extracting(StreamDescriptor::id).containsExactly("orders");
	}

	@Test
	void endpointIsReadOnlyByDefault() {
		Endpoint endpoint = MergedAnnotations.from(VStreamEndpoint.class).get(Endpoint.class).synthesize();

		assertThat(endpoint.id()).isEqualTo("vstream");
		assertThat(endpoint.defaultAccess()).isEqualTo(Access.READ_ONLY);
	}

	private VStreamEndpoint endpoint(VStreamContainer... containers) {
		return new VStreamEndpoint(() -> List.of(containers), this.clock);
	}

}
