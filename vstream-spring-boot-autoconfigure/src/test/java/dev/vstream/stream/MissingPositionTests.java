package dev.vstream.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VGtid;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.test.RecordingOffsets;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.StatusRuntimeException;
import io.vitess.proto.Topodata.TabletType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.util.backoff.FixedBackOff;

import static dev.vstream.test.StreamFixture.STAYS;
import static dev.vstream.test.vtgate.Events.begin;
import static dev.vstream.test.vtgate.Events.commit;
import static dev.vstream.test.vtgate.Events.corderFields;
import static dev.vstream.test.vtgate.Events.insert;
import static dev.vstream.test.vtgate.Events.response;
import static dev.vstream.test.vtgate.Events.row;
import static dev.vstream.test.vtgate.Events.vgtidEvent;
import static dev.vstream.test.vtgate.Events.vtgateHeartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A position the cluster does not have: the real vtgate (v0.24) keeps such a stream open
 * with heartbeats only (its tablet answers "GTIDSet Mismatch", which vtgate retries), so
 * the stream must find out itself, from the shards' positions read through vtgate.
 */
class MissingPositionTests {

	private final List<VStreamReconnectingEvent> reconnecting = new CopyOnWriteArrayList<>();

	private final StreamFixture<RecordingOffsets> fixture = StreamFixture.recording();

	private final ScriptedVtgate vtgate = this.fixture.vtgate();

	private final RecordingOffsets offsets = this.fixture.offsets();

	private final OrderRecorder orders = new OrderRecorder();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void aSavedPositionAheadOfTheShardFailsTheStreamBeforeItOpensAndKeepsThePosition() {
		StreamPosition saved = customer("MariaDB/0-1-58", "MariaDB/0-1-1000058");
		this.offsets.save("test", saved);
		this.offsets.saved.clear();
		this.vtgate.withShardPosition("customer", "-80", "0-1-58").withShardPosition("customer", "80-", "0-1-58");
		// what the real vtgate does meanwhile: heartbeats, nothing else
		this.vtgate.thenSend(response(vtgateHeartbeat()), response(vtgateHeartbeat()));
		DefaultVStreamContainer container = start(Duration.ofMinutes(2));

		await().until(() -> container.getState() == StreamState.FAILED);
		assertThat(container.getLastError()).isInstanceOf(VStreamException.class)
			.hasMessageContaining("shard customer/80-")
			.hasMessageContaining("MariaDB/0-1-1000058")
			.hasMessageContaining("primary is at MariaDB/0-1-58")
			.hasMessageContaining("\"position\":\"copy\"")
			.hasMessageContaining("vstream.start-position");
		assertThat(this.vtgate.requests()).isEmpty();
		assertThat(container.getLastHeartbeatTime()).isNull();
		assertThat(container.isRunning()).isFalse();
		assertThat(this.offsets.load("test")).contains(saved);
		assertThat(this.offsets.saved).isEmpty();
		// not retried: the position stays missing
		await().during(STAYS).atMost(STAYS.multipliedBy(3)).until(() -> this.vtgate.requests().isEmpty());
		assertThat(container.getReconnects()).isZero();
	}

	@Test
	void aPositionTheShardHasStreams() {
		this.offsets.save("test", customer("MariaDB/0-1-58", "MariaDB/0-1-40"));
		this.vtgate.withShardPosition("customer", "-80", "0-1-58").withShardPosition("customer", "80-", "0-1-58");
		this.vtgate.thenSend(response(begin(), corderFields("customer", "80-"),
				insert("customer", "80-", "corder", row(1, 7, "apple", "1.50")),
				vgtidEvent(customer("MariaDB/0-1-58", "MariaDB/0-1-59").toVGtid()), commit()));
		DefaultVStreamContainer container = start(Duration.ofMinutes(2));

		await().untilAsserted(() -> assertThat(this.orders.ids()).containsExactly(1L));
		assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
		assertThat(container.getLastError()).isNull();
	}

	@Test
	void aShardPositionVtgateDoesNotAnswerLetsTheStreamGoOnButItsHeartbeatsDoNotCountUntilAPositionArrives() {
		StreamPosition saved = customer("MariaDB/0-1-58", "MariaDB/0-1-58");
		this.offsets.save("test", saved);
		// no shard positions: vtgate answers the statement with an error
		this.vtgate.thenSend(response(vtgateHeartbeat()));
		DefaultVStreamContainer container = start(Duration.ofMinutes(2));

		await().until(() -> container.getEventsReceived() == 1);
		assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
		assertThat(container.getLastHeartbeatTime()).isNull();
		assertThat(container.getLag(Instant.now())).isNull();

		this.vtgate.send(
				response(begin(), vgtidEvent(customer("MariaDB/0-1-59", "MariaDB/0-1-58").toVGtid()), commit()),
				response(vtgateHeartbeat()));
		await().until(() -> container.getLastHeartbeatTime() != null);
		assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
	}

	@Test
	void onlyHeartbeatsWhileTheShardMovesOnFailTheStreamAfterTheProgressTimeout() {
		StreamPosition saved = customer("MariaDB/0-1-58", "MariaDB/0-1-58");
		this.offsets.save("test", saved);
		this.vtgate.withShardPosition("customer", "-80", "0-1-58").withShardPosition("customer", "80-", "0-1-58");
		this.vtgate.thenSend(response(vtgateHeartbeat()));
		DefaultVStreamContainer container = start(Duration.ofMillis(600));
		await().until(() -> container.getEventsReceived() >= 1);
		assertThat(container.getLastHeartbeatTime()).isNotNull();

		// writes on shard 80- that never arrive (vtgate now streams from a tablet lacking
		// the position)
		this.vtgate.withShardPosition("customer", "80-", "0-1-61");
		long start = System.nanoTime();
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
			this.vtgate.send(response(vtgateHeartbeat()));
			return container.getState() == StreamState.FAILED;
		});
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		assertThat(container.getLastError()).isInstanceOf(VStreamException.class)
			.hasMessageContaining("received no new position of shard customer/80-")
			.hasMessageContaining("moved on to MariaDB/0-1-61")
			.hasMessageContaining("vstream.progress-timeout")
			.hasMessageContaining("\"position\":\"copy\"");
		assertThat(this.offsets.load("test")).contains(saved);
	}

	@Test
	void aShardStandingStillWhileItMovesOnReconnectsAfterTheStallTimeoutWithoutFailing() {
		StreamPosition saved = customer("MariaDB/0-1-58", "MariaDB/0-1-58");
		this.offsets.save("test", saved);
		this.vtgate.withShardPosition("customer", "-80", "0-1-58").withShardPosition("customer", "80-", "0-1-58");
		this.vtgate.thenSend(response(vtgateHeartbeat()));
		DefaultVStreamContainer container = start(Duration.ofMinutes(1), Duration.ofMillis(300));
		await().until(() -> container.getEventsReceived() >= 1);

		// After a reparent vtgate waits for a serving tablet inside the call: heartbeats
		// only, while the shard's new primary takes writes.
		this.vtgate.withShardPosition("customer", "80-", "0-1-61");
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
			this.vtgate.send(response(vtgateHeartbeat()));
			return container.getReconnects() == 1;
		});

		assertThat(this.reconnecting).first()
			.satisfies((event) -> assertThat(event.getCause()).isInstanceOfSatisfying(StatusRuntimeException.class,
					(ex) -> assertThat(ex.getStatus().getDescription()).contains("shard customer/80-")
						.contains("moved on to MariaDB/0-1-61")
						.contains("vstream.stall-timeout")));
		await().until(() -> this.vtgate.requests().size() == 2);
		assertThat(this.vtgate.requests().get(1).getVgtid()).isEqualTo(saved.toVGtid());
		assertThat(container.getState()).isNotEqualTo(StreamState.FAILED);
	}

	@Test
	void aShardThatStaysStillAcrossStallReconnectsStillFailsAtTheProgressTimeout() {
		StreamPosition saved = customer("MariaDB/0-1-58", "MariaDB/0-1-58");
		this.offsets.save("test", saved);
		this.vtgate.withShardPosition("customer", "-80", "0-1-58").withShardPosition("customer", "80-", "0-1-58");
		this.vtgate.thenSend(response(vtgateHeartbeat()));
		DefaultVStreamContainer container = start(Duration.ofMillis(1500), Duration.ofMillis(300));
		await().until(() -> container.getEventsReceived() >= 1);

		this.vtgate.withShardPosition("customer", "80-", "0-1-61");
		await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() -> {
			this.vtgate.send(response(vtgateHeartbeat()));
			return container.getState() == StreamState.FAILED;
		});

		assertThat(container.getReconnects()).isGreaterThanOrEqualTo(1);
		assertThat(container.getLastError()).isInstanceOf(VStreamException.class)
			.hasMessageContaining("received no new position of shard customer/80-")
			.hasMessageContaining("vstream.progress-timeout");
		assertThat(this.offsets.load("test")).contains(saved);
	}

	@Test
	void oneShardStandingStillWhileOthersDeliverFailsTheStream() {
		StreamPosition saved = customer("MariaDB/0-1-58", "MariaDB/0-1-58");
		this.offsets.save("test", saved);
		this.vtgate.withShardPosition("customer", "-80", "0-1-58").withShardPosition("customer", "80-", "0-1-58");
		this.vtgate.thenSend(response(vtgateHeartbeat()));
		DefaultVStreamContainer container = start(Duration.ofMillis(600));
		this.vtgate.withShardPosition("customer", "80-", "0-1-61");
		AtomicInteger sequence = new AtomicInteger(58);
		// shard -80 delivers transactions (no heartbeats then), shard 80- never moves
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
			int next = sequence.incrementAndGet();
			this.vtgate.withShardPosition("customer", "-80", "0-1-" + next);
			this.vtgate.send(response(begin(), vgtidEvent(customer("MariaDB/0-1-" + next, "MariaDB/0-1-58").toVGtid()),
					commit()));
			return container.getState() == StreamState.FAILED;
		});
		assertThat(container.getLastError()).hasMessageContaining("received no new position of shard customer/80-")
			.hasMessageContaining("moved on to MariaDB/0-1-61");
	}

	@Test
	void anIdleFilteredStreamThatReceivesThePositionsOfOtherTablesNeverFails() {
		this.offsets.save("test", customer("MariaDB/0-1-58", "MariaDB/0-1-58"));
		this.vtgate.withShardPosition("customer", "-80", "0-1-58").withShardPosition("customer", "80-", "0-1-58");
		this.vtgate.thenSend(response(vtgateHeartbeat()));
		DefaultVStreamContainer container = start(Duration.ofMillis(300));
		AtomicInteger sequence = new AtomicInteger(58);
		// as the real vtgate does for transactions of tables the stream does not listen
		// to: BEGIN, VGTID, COMMIT per transaction, then heartbeats
		await().during(Duration.ofMillis(1500))
			.atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> {
				int next = sequence.incrementAndGet();
				if (next % 8 == 0) {
					this.vtgate.withShardPosition("customer", "80-", "0-1-" + next);
					this.vtgate.send(response(begin(),
							vgtidEvent(customer("MariaDB/0-1-58", "MariaDB/0-1-" + next).toVGtid()), commit()));
				}
				this.vtgate.send(response(vtgateHeartbeat()));
				return container.getState() == StreamState.STREAMING;
			});
		assertThat(container.getLastError()).isNull();
	}

	@Test
	void streamsStartedAtCurrentOrCopyAreNotChecked() {
		this.vtgate.thenSend(response(vtgateHeartbeat()));
		DefaultVStreamContainer container = start(Duration.ofMinutes(2));
		await().until(() -> container.getLastHeartbeatTime() != null);
		assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
	}

	private static StreamPosition customer(String lowShard, String highShard) {
		return StreamPosition.of(VGtid.newBuilder()
			.addShardGtids(ShardGtid.newBuilder().setKeyspace("customer").setShard("-80").setGtid(lowShard))
			.addShardGtids(ShardGtid.newBuilder().setKeyspace("customer").setShard("80-").setGtid(highShard))
			.build());
	}

	private DefaultVStreamContainer start(Duration progressTimeout) {
		return start(progressTimeout, Duration.ZERO);
	}

	private DefaultVStreamContainer start(Duration progressTimeout, Duration stallTimeout) {
		VStreamSettings settings = new VStreamSettings("test", "customer", StartPosition.CURRENT, TabletType.PRIMARY,
				Duration.ofSeconds(1), false, new FixedBackOff(10, Long.MAX_VALUE), List.of());
		DefaultVStreamContainer container = this.fixture.container(settings, VStreamErrorHandler.stopStream(),
				this.fixture.endpoint("orders", "corder", this.orders, "on"));
		container.getContainerOptions().setProgressTimeout(progressTimeout);
		container.getContainerOptions().setStallTimeout(stallTimeout);
		container.setApplicationEventPublisher((event) -> {
			if (event instanceof VStreamReconnectingEvent reconnect) {
				this.reconnecting.add(reconnect);
			}
		});
		return this.fixture.start(container);
	}

}
