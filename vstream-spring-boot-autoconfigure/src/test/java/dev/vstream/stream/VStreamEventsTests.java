package dev.vstream.stream;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.vstream.listener.RowChange;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.test.Order;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vitess.proto.Topodata.TabletType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.util.backoff.FixedBackOff;

import static dev.vstream.test.StreamFixture.position;
import static dev.vstream.test.vtgate.Events.heartbeat;
import static dev.vstream.test.vtgate.Events.response;
import static dev.vstream.test.vtgate.Events.transaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The application events a stream publishes (started, reconnecting, idle, failed,
 * stopped) and the task executor its thread comes from.
 */
class VStreamEventsTests {

	private final StreamFixture<InMemoryOffsetRepository> fixture = StreamFixture.inMemory();

	private final ScriptedVtgate vtgate = this.fixture.vtgate();

	private final List<VStreamEvent> events = new CopyOnWriteArrayList<>();

	private final List<String> listenerThreads = new CopyOnWriteArrayList<>();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void aStreamPublishesStartedReconnectingAndStoppedOnItsThread() {
		this.vtgate.thenSend(transaction(1));
		DefaultVStreamContainer container = container();
		container.start();
		await().until(() -> position(1).equals(container.getPosition()));
		this.vtgate.thenSend(transaction(2));
		this.vtgate.fail(Status.UNAVAILABLE.withDescription("tablet restarting"));
		await().until(() -> position(2).equals(container.getPosition()));

		container.stop();

		assertThat(this.events).map(Object::getClass)
			.containsExactly(VStreamStartedEvent.class, VStreamReconnectingEvent.class, VStreamStoppedEvent.class);
		assertThat(this.events).allSatisfy((event) -> {
			assertThat(event.getContainer()).isSameAs(container);
			assertThat(event.getStreamId()).isEqualTo("test");
		});
		VStreamReconnectingEvent reconnecting = (VStreamReconnectingEvent) this.events.get(1);
		assertThat(reconnecting.getCause()).isInstanceOfSatisfying(StatusRuntimeException.class,
				(ex) -> assertThat(ex.getStatus().getDescription()).isEqualTo("tablet restarting"));
		assertThat(reconnecting.getDelayMillis()).isEqualTo(10);
		assertThat(reconnecting.getReconnects()).isOne();
		assertThat(((VStreamStoppedEvent) this.events.get(2)).getReason()).isEqualTo(VStreamStoppedEvent.Reason.NORMAL);
	}

	@Test
	void aStreamThatFailsPublishesFailedThenStopped() {
		this.vtgate.thenSend(transaction(1));
		DefaultVStreamContainer container = container();
		container.start();
		await().until(() -> position(1).equals(container.getPosition()));

		this.vtgate.fail(Status.UNAUTHENTICATED.withDescription("bad password"));

		await().until(() -> this.events.size() == 3);
		assertThat(this.events).map(Object::getClass)
			.containsExactly(VStreamStartedEvent.class, VStreamFailedEvent.class, VStreamStoppedEvent.class);
		assertThat(((VStreamFailedEvent) this.events.get(1)).getCause()).isSameAs(container.getLastError());
		assertThat(((VStreamStoppedEvent) this.events.get(2)).getReason()).isEqualTo(VStreamStoppedEvent.Reason.FAILED);
		assertThat(container.getState()).isEqualTo(StreamState.FAILED);
	}

	@Test
	void aStartRefusedByItsChecksPublishesFailedOnly() {
		this.vtgate.withTables("commerce", "customer");
		DefaultVStreamContainer container = container();

		assertThatExceptionOfType(VStreamException.class).isThrownBy(container::start);

		assertThat(this.events).singleElement()
			.isInstanceOfSatisfying(VStreamFailedEvent.class,
					(failed) -> assertThat(failed.getCause()).isSameAs(container.getLastError()));
	}

	@Test
	void anIdleStreamPublishesIdleEventsAtTheIntervalUntilAChangeComes() {
		this.vtgate.thenSend(transaction(1));
		DefaultVStreamContainer container = container();
		container.setIdleEventInterval(Duration.ofMillis(200));
		container.start();
		await().until(() -> position(1).equals(container.getPosition()));

		// vtgate's heartbeats are the responses an idle stream gets.
		await().until(() -> {
			this.vtgate.send(response(heartbeat()));
			return idleEvents().size() >= 2;
		});
		assertThat(idleEvents().get(0).getIdleTime()).isGreaterThanOrEqualTo(Duration.ofMillis(200));
		assertThat(idleEvents().get(1).getIdleTime()).isGreaterThan(idleEvents().get(0).getIdleTime());

		this.vtgate.send(transaction(2));
		await().until(() -> position(2).equals(container.getPosition()));
		int before = idleEvents().size();
		await().until(() -> {
			this.vtgate.send(response(heartbeat()));
			return idleEvents().size() > before;
		});
		// Counted again from the change, not from the start.
		assertThat(idleEvents().get(before).getIdleTime()).isLessThan(idleEvents().get(before - 1).getIdleTime());
	}

	@Test
	void noIdleEventsUnlessAnIntervalIsSet() {
		this.vtgate.thenSend(transaction(1));
		DefaultVStreamContainer container = container();
		container.start();
		await().until(() -> position(1).equals(container.getPosition()));

		await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> {
			this.vtgate.send(response(heartbeat()));
			return idleEvents().isEmpty();
		});
	}

	@Test
	void aFailingApplicationListenerDoesNotStopTheStream() {
		this.vtgate.thenSend(transaction(1));
		DefaultVStreamContainer container = container();
		container.setApplicationEventPublisher((event) -> {
			throw new IllegalStateException("listener bug");
		});

		container.start();

		await().until(() -> position(1).equals(container.getPosition()));
		assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
	}

	@Test
	void theStreamRunsOnAThreadOfItsTaskExecutorAndStopWaitsForIt() {
		this.vtgate.thenSend(transaction(1));
		DefaultVStreamContainer container = container();
		container.setTaskExecutor(new SimpleAsyncTaskExecutor("custom-vstream-"));
		container.start();
		await().until(() -> position(1).equals(container.getPosition()));

		container.stop();

		assertThat(this.listenerThreads).singleElement().asString().startsWith("custom-vstream-");
		// stop() returned after the thread's last act.
		assertThat(this.events).last().isInstanceOf(VStreamStoppedEvent.class);
		assertThat(container.getState()).isEqualTo(StreamState.STOPPED);
	}

	@Test
	void theDefaultThreadIsNamedForTheStream() {
		this.vtgate.thenSend(transaction(1));
		DefaultVStreamContainer container = container();
		container.start();
		await().until(() -> position(1).equals(container.getPosition()));

		assertThat(this.listenerThreads).containsExactly("vstream-test");
	}

	@Test
	void anExecutorThatRefusesTheStreamFailsTheStart() {
		DefaultVStreamContainer container = container();
		container.setTaskExecutor((task) -> {
			throw new TaskRejectedException("pool exhausted");
		});

		assertThatExceptionOfType(VStreamException.class).isThrownBy(container::start)
			.withMessage("Stream 'test' could not start its thread on the task executor: pool exhausted");

		assertThat(container.isRunning()).isFalse();
		assertThat(container.getState()).isEqualTo(StreamState.FAILED);
		assertThat(this.events).singleElement().isInstanceOf(VStreamFailedEvent.class);
		container.stop();
	}

	@Test
	void aShardStreamTakesTheExecutorPublisherAndIdleIntervalOver() {
		DefaultVStreamContainer container = container();
		container.setTaskExecutor(new SimpleAsyncTaskExecutor("shards-"));
		container.setIdleEventInterval(Duration.ofSeconds(3));
		DefaultVStreamContainer shard = this.fixture
			.track(container.forShard("test@commerce/0", "commerce", "0", new InMemoryOffsetRepository()));
		this.vtgate.thenSend(transaction(1));

		shard.start();

		await().until(() -> position(1).equals(shard.getPosition()));
		assertThat(this.listenerThreads).singleElement().asString().startsWith("shards-");
		assertThat(this.events).first()
			.isInstanceOfSatisfying(VStreamStartedEvent.class,
					(started) -> assertThat(started.getStreamId()).isEqualTo("test@commerce/0"));
		assertThat(shard.events().getIdleInterval()).isEqualTo(Duration.ofSeconds(3));
	}

	private List<VStreamIdleEvent> idleEvents() {
		return this.events.stream()
			.filter(VStreamIdleEvent.class::isInstance)
			.map(VStreamIdleEvent.class::cast)
			.toList();
	}

	private DefaultVStreamContainer container() {
		VStreamSettings settings = new VStreamSettings("test", "commerce", StartPosition.CURRENT, TabletType.PRIMARY,
				Duration.ZERO, false, new FixedBackOff(10, Long.MAX_VALUE), List.of());
		DefaultVStreamContainer container = this.fixture.container(settings, VStreamErrorHandler.stopStream(),
				this.fixture.endpoint("recorder", "corder", this, "on"));
		ApplicationEventPublisher publisher = (event) -> this.events.add((VStreamEvent) event);
		container.setApplicationEventPublisher(publisher);
		return container;
	}

	void on(RowChange<Order> change) {
		this.listenerThreads.add(Thread.currentThread().getName());
	}

}
