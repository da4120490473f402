package dev.vstream.stream;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.vstream.listener.RowChange;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.test.Order;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.Status;
import io.vitess.proto.Topodata.TabletType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.util.backoff.FixedBackOff;

import static dev.vstream.test.StreamFixture.position;
import static dev.vstream.test.vtgate.Events.transaction;
import static dev.vstream.test.vtgate.Events.vgtid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Pausing, resuming and resetting a stream: nothing is lost or repeated, and a reset is
 * refused while the stream runs.
 */
class VStreamContainerControlTests {

	private final StreamFixture<InMemoryOffsetRepository> fixture = StreamFixture.inMemory();

	private final ScriptedVtgate vtgate = this.fixture.vtgate();

	private final InMemoryOffsetRepository offsets = this.fixture.offsets();

	private final Recorder recorder = new Recorder();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void pauseStopsPullingAndResumeCarriesOnWithoutLossOrRepeat() {
		this.vtgate.thenSend(transaction(1));
		DefaultVStreamContainer container = container();
		// Batched checkpoints: only the pause can have saved the position below.
		container.getContainerOptions().setCheckpointPolicy(new CheckpointPolicy(100, Duration.ZERO));
		container.start();
		await().until(() -> position(1).equals(container.getPosition()));

		container.pause();
		assertThat(container.getState()).isEqualTo(StreamState.PAUSED);
		this.vtgate.send(transaction(2), transaction(3));
		// The worker, blocked waiting for a response, stops at the next one (with vtgate:
		// a heartbeat at the latest) and saves what it handled.
		await().until(() -> this.offsets.load("test").equals(Optional.of(position(1))));
		await().during(Duration.ofMillis(300))
			.atMost(Duration.ofSeconds(2))
			.until(() -> this.recorder.orders().equals(List.of(1L)) && container.getState() == StreamState.PAUSED);

		container.resume();
		await().until(() -> position(3).equals(container.getPosition()));
		assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
		assertThat(container.isPaused()).isFalse();
		assertThat(this.recorder.orders()).containsExactly(1L, 2L, 3L);
		assertThat(this.vtgate.requests()).as("the same connection carried on").hasSize(1);
	}

	@Test
	void stopWhilePausedStopsAndKeepsThePosition() {
		this.vtgate.thenSend(transaction(1));
		DefaultVStreamContainer container = container();
		container.start();
		await().until(() -> position(1).equals(container.getPosition()));
		container.pause();
		await().until(() -> container.getState() == StreamState.PAUSED);

		container.stop();

		assertThat(container.getState()).isEqualTo(StreamState.STOPPED);
		assertThat(this.offsets.load("test")).contains(position(1));
	}

	@Test
	void pauseRefusesAStreamThatIsNotRunning() {
		DefaultVStreamContainer container = container();

		assertThatIllegalStateException().isThrownBy(container::pause)
			.withMessage("Stream 'test' is not running (STOPPED)");
		assertThat(container.isPaused()).isFalse();
	}

	@Test
	void aConnectionBrokenWhilePausedIsReconnectedOnlyOnResume() {
		this.vtgate.thenSend(transaction(1));
		DefaultVStreamContainer container = container();
		container.start();
		await().until(() -> position(1).equals(container.getPosition()));
		container.pause();
		assertThat(container.getState()).isEqualTo(StreamState.PAUSED);

		this.vtgate.thenSend(transaction(2));
		this.vtgate.fail(Status.UNAVAILABLE);
		await().during(Duration.ofMillis(300))
			.atMost(Duration.ofSeconds(2))
			.until(() -> this.vtgate.requests().size() == 1 && container.getState() == StreamState.PAUSED);

		container.resume();
		await().until(() -> position(2).equals(container.getPosition()));
		assertThat(this.vtgate.requests()).hasSize(2);
		assertThat(this.vtgate.requests().get(1).getVgtid()).isEqualTo(position(1).toVGtid());
		assertThat(this.recorder.orders()).containsExactly(1L, 2L);
	}

	@Test
	void resetReplacesTheSavedPositionOfAStoppedStream() {
		this.offsets.save("test", position(5));
		DefaultVStreamContainer container = container();

		container.resetPosition(container.positionAt(StartPosition.COPY));

		StreamPosition copy = StreamPosition.of(vgtid("commerce", "", ""));
		assertThat(this.offsets.load("test")).contains(copy);
		this.vtgate.thenSend(transaction(1));
		container.start();
		await().until(() -> position(1).equals(container.getPosition()));
		assertThat(this.vtgate.requests().get(0).getVgtid()).isEqualTo(copy.toVGtid());
	}

	@Test
	void resetWithoutPositionDeletesTheSavedOne() {
		this.offsets.save("test", position(5));
		DefaultVStreamContainer container = container();

		container.resetPosition(null);

		assertThat(this.offsets.load("test")).isEmpty();
		assertThat(container.getSavedPosition()).isNull();
	}

	@Test
	void resetIsRefusedWhileRunning() {
		this.vtgate.thenSend(transaction(1));
		DefaultVStreamContainer container = container();
		container.start();
		await().until(() -> position(1).equals(container.getPosition()));

		assertThatIllegalStateException().isThrownBy(() -> container.resetPosition(null))
			.withMessageStartingWith("Stream 'test' is running (")
			.withMessageEndingWith("); stop it before resetting its position");
		assertThat(this.offsets.load("test")).contains(position(1));
	}

	@Test
	void resetRefusesAPositionOfOtherKeyspaces() {
		this.offsets.save("test", position(5));
		DefaultVStreamContainer container = container();

		assertThatExceptionOfType(VStreamException.class)
			.isThrownBy(() -> container.resetPosition(StreamPosition.of(vgtid("customer", "-80", "MySQL56/a:1-9"))))
			.withMessageContaining("covers keyspaces [customer] but its listeners stream [commerce]");
		assertThat(this.offsets.load("test")).contains(position(5));
	}

	private DefaultVStreamContainer container() {
		VStreamSettings settings = new VStreamSettings("test", "commerce", StartPosition.CURRENT, TabletType.PRIMARY,
				Duration.ZERO, false, new FixedBackOff(10, Long.MAX_VALUE), List.of());
		return this.fixture.container(settings, VStreamErrorHandler.stopStream(),
				this.fixture.endpoint("recorder", "corder", this.recorder, "on"));
	}

	static class Recorder {

		private final List<Long> orders = new CopyOnWriteArrayList<>();

		void on(RowChange<Order> change) {
			this.orders.add(change.after().orderId());
		}

		List<Long> orders() {
			return List.copyOf(this.orders);
		}

	}

}
