package dev.vstream.stream;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import binlogdata.Binlogdata.VEvent;
import binlogdata.Binlogdata.VEventType;
import dev.vstream.actuate.VStreamHealthIndicator;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.offset.OffsetStoreException;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.Status;
import io.vitess.proto.Topodata.TabletType;
import io.vitess.proto.Vtgate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

import static dev.vstream.test.vtgate.Events.begin;
import static dev.vstream.test.vtgate.Events.commit;
import static dev.vstream.test.vtgate.Events.corderFields;
import static dev.vstream.test.vtgate.Events.insert;
import static dev.vstream.test.vtgate.Events.response;
import static dev.vstream.test.vtgate.Events.row;
import static dev.vstream.test.vtgate.Events.vgtid;
import static dev.vstream.test.vtgate.Events.vgtidEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An offset store that fails or hangs, and vtgate failing every attempt the same way: the
 * stream shows it at once (state, last error, health), loses nothing, and carries on by
 * itself once the store answers again.
 */
class OffsetStoreOutageTests {

	private final StreamFixture<FlakyOffsets> fixture = new StreamFixture<>(new FlakyOffsets());

	private final ScriptedVtgate vtgate = this.fixture.vtgate();

	private final FlakyOffsets offsets = this.fixture.offsets();

	private final OrderRecorder orders = new OrderRecorder();

	@AfterEach
	void close() {
		this.offsets.release();
		this.fixture.close();
	}

	@Test
	void aFailingStoreIsShownAtOnceHoldsTheStreamAndCarriesOnWhenItIsBack() {
		// vtgate sends transaction 2 again to whichever connection resumes after
		// transaction 1.
		this.vtgate.thenSend(transaction(1, 5)).thenSend(transaction(2, 6));
		this.offsets.failing.set(true);
		VStreamContainer container = start(new FixedBackOff(50, Long.MAX_VALUE));

		await().until(() -> container.getState() == StreamState.STORE_UNAVAILABLE);
		assertThat(container.getLastError()).isInstanceOf(OffsetStoreUnavailableException.class)
			.hasMessageContaining("Stream 'test' could not save its position")
			.hasMessageContaining("redis is down");
		assertThat(container.getOffsetStoreUnavailableSince()).isNotNull();
		assertThat(container.isRunning()).isTrue();
		// The handled transaction is not handled again, and nothing further is taken
		// meanwhile.
		await().until(() -> this.offsets.attempts.get() >= 3);
		assertThat(this.orders.ids()).containsExactly(1L);
		assertThat(this.vtgate.requests()).hasSize(1);

		this.offsets.failing.set(false);
		await().untilAsserted(() -> assertThat(this.orders.ids()).containsExactly(1L, 2L));
		assertThat(this.vtgate.requests()).hasSize(2);
		assertThat(this.vtgate.requests().get(1).getVgtid()).isEqualTo(position(5));
		await().until(() -> this.offsets.loadVGtid("test").equals(Optional.of(position(6))));
		assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
		assertThat(container.getLastError()).isNull();
		assertThat(container.getOffsetStoreUnavailableSince()).isNull();
	}

	@Test
	void aSaveThatHangsShowsTheStoreUnavailableWhileItHangs() {
		this.vtgate.thenSend(transaction(1, 5));
		this.offsets.hang();
		VStreamContainer container = start(new FixedBackOff(50, Long.MAX_VALUE));

		await().atMost(Duration.ofSeconds(5)).until(() -> container.getState() == StreamState.STORE_UNAVAILABLE);
		assertThat(container.getOffsetStoreUnavailableSince()).isNotNull();
		this.offsets.release();
		await().until(() -> container.getState() == StreamState.STREAMING);
		assertThat(container.getOffsetStoreUnavailableSince()).isNull();
		assertThat(this.offsets.loadVGtid("test")).contains(position(5));
	}

	@Test
	void healthIsDownOnceTheStoreHasBeenUnavailableForTheTimeout() {
		this.vtgate.thenSend(transaction(1, 5));
		this.offsets.failing.set(true);
		VStreamContainer container = start(new FixedBackOff(50, Long.MAX_VALUE));
		await().until(() -> container.getState() == StreamState.STORE_UNAVAILABLE);

		Health early = new VStreamHealthIndicator(container, Duration.ofHours(1)).health();
		assertThat(early.getStatus().getCode()).isEqualTo("UP");
		assertThat(early.getDetails()).containsEntry("state", "STORE_UNAVAILABLE")
			.containsKey("offsetStoreUnavailableSince")
			.containsKey("error");
		await().untilAsserted(() -> assertThat(
				new VStreamHealthIndicator(container, Duration.ofMillis(200)).health().getStatus().getCode())
			.isEqualTo("DOWN"));

		this.offsets.failing.set(false);
		await().untilAsserted(() -> assertThat(
				new VStreamHealthIndicator(container, Duration.ofMillis(200)).health().getStatus().getCode())
			.isEqualTo("UP"));
	}

	@Test
	void aConnectionThatBreaksBeforeAnyProgressDoesNotResetTheReconnectBackOff() {
		// vtgate answers each attempt with a heartbeat, then fails: the back-off must
		// keep growing.
		for (int i = 0; i < 50; i++) {
			this.vtgate.thenFail(Status.UNAVAILABLE.withDescription("vstream for commerce/0 error"),
					response(VEvent.newBuilder().setType(VEventType.HEARTBEAT).setTimestamp(1).build()));
		}
		ExponentialBackOff backOff = new ExponentialBackOff(50, 2.0);
		backOff.setMaxInterval(10_000);
		start(backOff);
		// 50 + 100 + 200 + 400 + 800 ms: at most six attempts in 1.6 s (about thirty with
		// a reset each time).
		await().during(Duration.ofMillis(1600)).atMost(Duration.ofSeconds(3)).until(() -> true);
		assertThat(this.vtgate.requests().size()).isBetween(2, 6);
	}

	@Test
	void aResponseLargerThanVtgateMaySendFailsTheStreamWithWhatToDo() {
		this.vtgate.thenFail(Status.RESOURCE_EXHAUSTED
			.withDescription("trying to send message larger than max (17825883 vs. 16777216)"), transaction(1, 5));
		VStreamContainer container = start(new FixedBackOff(10, Long.MAX_VALUE));

		await().until(() -> container.getState() == StreamState.FAILED);
		assertThat(container.getLastError()).hasMessageContaining("--grpc-max-message-size")
			.hasMessageContaining("vstream.vtgate.max-inbound-message-size")
			.hasMessageContaining("17825883 vs. 16777216");
		assertThat(this.orders.ids()).containsExactly(1L);
		assertThat(this.offsets.loadVGtid("test")).contains(position(5));
		await().during(Duration.ofMillis(300)).until(() -> this.vtgate.requests().size() == 1);
	}

	@Test
	void aStoreThatLostThePositionWhileTheStreamRunsGetsTheHandledPositionBack() {
		this.vtgate.thenSend(transaction(1, 5));
		VStreamContainer container = start(new FixedBackOff(50, Long.MAX_VALUE));
		await().until(() -> this.offsets.loadVGtid("test").equals(Optional.of(position(5))));

		// Redis restarted without persistence: the stored position is gone, the stream
		// knows where it is.
		this.offsets.delete("test");
		this.vtgate.send(transaction(2, 6));
		await().until(() -> this.offsets.loadVGtid("test").equals(Optional.of(position(6))));
		assertThat(this.orders.ids()).containsExactly(1L, 2L);
		assertThat(this.vtgate.requests()).hasSize(1);
		assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
		assertThat(container.getLastError()).isNull();
	}

	@Test
	void aStreamConnectedToAnIdleKeyspaceIsStreamingBeforeVtgateSendsAnything() {
		// Over a socket, as in production: the call is established on an HTTP/2
		// connection.
		try (ScriptedVtgate socketVtgate = new ScriptedVtgate(64 * 1024 * 1024)) {
			this.offsets.save("test", StreamPosition.of(position(5)));
			socketVtgate.thenSend();
			VStreamContainer container = start(socketVtgate, new FixedBackOff(50, Long.MAX_VALUE));
			await().atMost(Duration.ofSeconds(5)).until(() -> container.getState() == StreamState.STREAMING);
			assertThat(container.getEventsReceived()).isZero();
			assertThat(socketVtgate.requests()).hasSize(1);
			container.stop();
		}
	}

	private static binlogdata.Binlogdata.VGtid position(long sequence) {
		return vgtid("commerce", "0", "MariaDB/0-1-" + sequence);
	}

	private static Vtgate.VStreamResponse transaction(long orderId, long sequence) {
		return response(begin(), corderFields("commerce", "0"),
				insert("commerce", "0", "corder", row(orderId, 7, "sku-" + orderId, "1.50")),
				vgtidEvent(position(sequence)), commit());
	}

	private VStreamContainer start(BackOff reconnect) {
		return start(this.vtgate, reconnect);
	}

	private VStreamContainer start(ScriptedVtgate vtgate, BackOff reconnect) {
		VStreamSettings settings = new VStreamSettings("test", "commerce", StartPosition.CURRENT, TabletType.PRIMARY,
				Duration.ofSeconds(1), false, reconnect, List.of());
		return this.fixture.start(this.fixture.container(settings, vtgate.channel(), this.offsets,
				List.of(this.fixture.endpoint("orders", "corder", this.orders, "on")),
				VStreamErrorHandler.stopStream()));
	}

	/**
	 * A store that can be made to fail, as a Redis or database that is down does, or to
	 * hang.
	 */
	static class FlakyOffsets implements OffsetRepository {

		final AtomicBoolean failing = new AtomicBoolean();

		final AtomicInteger attempts = new AtomicInteger();

		private final InMemoryOffsetRepository delegate = new InMemoryOffsetRepository();

		private volatile CountDownLatch gate = new CountDownLatch(0);

		void hang() {
			this.gate = new CountDownLatch(1);
		}

		void release() {
			this.gate.countDown();
		}

		@Override
		public Optional<StreamPosition> load(String streamId) {
			return this.delegate.load(streamId);
		}

		Optional<binlogdata.Binlogdata.VGtid> loadVGtid(String streamId) {
			return this.delegate.load(streamId).map(StreamPosition::toVGtid);
		}

		@Override
		public void save(String streamId, StreamPosition position) {
			compareAndSave(streamId, null, position, false);
		}

		@Override
		public void compareAndSave(String streamId, StreamPosition expected, StreamPosition position) {
			compareAndSave(streamId, expected, position, true);
		}

		private void compareAndSave(String streamId, StreamPosition expected, StreamPosition position, boolean fenced) {
			this.attempts.incrementAndGet();
			try {
				this.gate.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			if (this.failing.get()) {
				throw new OffsetStoreException(
						"Cannot save the position of stream '" + streamId + "': redis is down (Connection refused)",
						null);
			}
			if (fenced) {
				this.delegate.compareAndSave(streamId, expected, position);
			}
			else {
				this.delegate.save(streamId, position);
			}
		}

		@Override
		public void delete(String streamId) {
			this.delegate.delete(streamId);
		}

	}

}
