package dev.vstream.scaling;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.vstream.offset.JdbcOffsetRepository;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.StreamPosition;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.vitess.proto.Vtgate.VStreamResponse;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;
import org.springframework.jdbc.core.JdbcTemplate;

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
 * Active-standby with Spring Integration's {@code LockRegistryLeaderInitiator} over a
 * JDBC lock registry per instance (one shared H2 database), against a scripted vtgate.
 */
class ActiveStandbyCoordinatorTests {

	private static final Duration LEASE = Duration.ofSeconds(2);

	private static final Duration HEARTBEAT = Duration.ofMillis(300);

	private final ScriptedVtgate vtgate = new ScriptedVtgate();

	private final JdbcDataSource database = new JdbcDataSource();

	private final List<ScalingInstance.Handled> handled = new CopyOnWriteArrayList<>();

	private final List<ActiveStandbyCoordinator> coordinators = new ArrayList<>();

	ActiveStandbyCoordinatorTests() {
		this.database.setURL("jdbc:h2:mem:standby-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
	}

	@AfterEach
	void close() {
		this.coordinators.forEach(ActiveStandbyCoordinator::stop);
		this.vtgate.close();
	}

	private ActiveStandbyCoordinator start(ScalingInstance instance) {
		VStreamContainer stream = instance
			.stream(instance.fence.fenced(ActiveStandbyCoordinator.lockKey("orders"), instance.offsets));
		ActiveStandbyCoordinator coordinator = new ActiveStandbyCoordinator(stream, instance.locks, instance.fence,
				HEARTBEAT, LEASE);
		this.coordinators.add(coordinator);
		coordinator.start();
		return coordinator;
	}

	private ScalingInstance instance(String id) {
		return new ScalingInstance(id, this.database, this.vtgate.channel(), LEASE, this.handled);
	}

	private static VStreamResponse order(long id, String gtid) {
		return response(begin(), corderFields("customer", "-80"),
				insert("customer", "-80", "corder", row(id, 1L, "sku-" + id, "1.00")),
				vgtidEvent(vgtid("customer", "-80", gtid)), commit());
	}

	private String savedGtid() {
		return new JdbcOffsetRepository(new JdbcTemplate(this.database)).load("orders")
			.map((p) -> p.shards().get(0).gtid())
			.orElse("");
	}

	@Test
	void leaderEventsArePublishedOnceAPublisherIsSet() {
		List<Object> events = new CopyOnWriteArrayList<>();
		ScalingInstance instance = instance("a");
		ActiveStandbyCoordinator coordinator = new ActiveStandbyCoordinator(
				instance.stream(instance.fence.fenced(ActiveStandbyCoordinator.lockKey("orders"), instance.offsets)),
				instance.locks, instance.fence, HEARTBEAT, LEASE);
		coordinator.setApplicationEventPublisher(events::add);
		this.coordinators.add(coordinator);

		coordinator.start();
		await().atMost(Duration.ofSeconds(5)).until(coordinator::isLeader);
		coordinator.stop();

		await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 2);
		assertThat(events).first()
			.isInstanceOfSatisfying(OnGrantedEvent.class,
					(granted) -> assertThat(granted.getRole()).isEqualTo("vstream:orders"));
		assertThat(events.get(1)).isInstanceOf(OnRevokedEvent.class);
	}

	@Test
	void oneInstanceStreamsAndTheStandbyTakesOverWhenItShutsDown() {
		ActiveStandbyCoordinator a = start(instance("a"));
		await().atMost(Duration.ofSeconds(5)).until(a::isLeader);
		ActiveStandbyCoordinator b = start(instance("b"));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.vtgate.requests().size() == 1);
		this.vtgate.send(order(1, "MariaDB/0-1-1"));
		await().atMost(Duration.ofSeconds(5)).until(() -> savedGtid().equals("MariaDB/0-1-1"));
		assertThat(b.isLeader()).isFalse();
		assertThat(b.getStream().getState()).isEqualTo(StreamState.STOPPED);
		assertThat(b.status().shards()).singleElement().satisfies((o) -> {
			assertThat(o.owner()).isEqualTo("a");
			assertThat(o.ownedHere()).isFalse();
		});

		long stopped = System.nanoTime();
		a.stop();
		await().atMost(Duration.ofSeconds(5)).until(b::isLeader);
		Duration takeover = Duration.ofNanos(System.nanoTime() - stopped);
		System.out.println("Active-standby takeover after a shutdown took " + takeover.toMillis() + " ms");
		// Released on shutdown: no need to wait for the lease.
		assertThat(takeover).isLessThan(LEASE);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.vtgate.requests().size() == 2);
		assertThat(this.vtgate.requests().get(1).getVgtid().getShardGtids(0).getGtid()).isEqualTo("MariaDB/0-1-1");
		this.vtgate.send(order(2, "MariaDB/0-1-2"));
		await().atMost(Duration.ofSeconds(5)).until(() -> savedGtid().equals("MariaDB/0-1-2"));
		assertThat(this.handled).containsExactly(new ScalingInstance.Handled("a", 1, "-80"),
				new ScalingInstance.Handled("b", 2, "-80"));
	}

	@Test
	void aPartitionedLeaderStopsAndTheStandbyTakesOverAfterTheLease() {
		ScalingInstance first = instance("a");
		ActiveStandbyCoordinator a = start(first);
		await().atMost(Duration.ofSeconds(5)).until(a::isLeader);
		ActiveStandbyCoordinator b = start(instance("b"));
		await().atMost(Duration.ofSeconds(5))
			.until(() -> a.getStream().getState() == StreamState.STREAMING || this.vtgate.requests().size() == 1);

		long cut = System.nanoTime();
		first.dataSource.cut = true;
		await().atMost(Duration.ofSeconds(10)).until(b::isLeader);
		Duration takeover = Duration.ofNanos(System.nanoTime() - cut);
		System.out.println(
				"Active-standby takeover after a partition took " + takeover.toMillis() + " ms (lease " + LEASE + ")");
		assertThat(takeover).isLessThan(LEASE.plus(HEARTBEAT.multipliedBy(4)));
		await().atMost(Duration.ofSeconds(5)).until(() -> !a.isLeader() && !a.getStream().isRunning());
	}

	@Test
	void aLeaderWhoseSaveIsRefusedByTheFenceYieldsAndTheStreamResumesFromTheSavedPosition() {
		ScalingInstance first = instance("a");
		Refusing refusing = new Refusing(first.fence.fenced(ActiveStandbyCoordinator.lockKey("orders"), first.offsets));
		ActiveStandbyCoordinator a = new ActiveStandbyCoordinator(first.stream(refusing), first.locks, first.fence,
				HEARTBEAT, LEASE);
		this.coordinators.add(a);
		a.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> a.isLeader() && this.vtgate.requests().size() == 1);
		this.vtgate.send(order(1, "MariaDB/0-1-1"));
		await().atMost(Duration.ofSeconds(5)).until(() -> savedGtid().equals("MariaDB/0-1-1"));

		// As if the lease had run out unnoticed: the initiator still sees this instance
		// as leader.
		refusing.refuse = true;
		this.vtgate.send(order(2, "MariaDB/0-1-2"));
		await().atMost(Duration.ofSeconds(5))
			.until(() -> a.getStream().getState() == StreamState.FAILED || this.vtgate.requests().size() > 1);
		refusing.refuse = false;
		// Yielded, re-elected, and streaming again from the last position the fence let
		// through.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.vtgate.requests().size() == 2 && a.isLeader() && a.getStream().isRunning());
		assertThat(this.vtgate.requests().get(1).getVgtid().getShardGtids(0).getGtid()).isEqualTo("MariaDB/0-1-1");
		assertThat(savedGtid()).isEqualTo("MariaDB/0-1-1");
	}

	/** Refuses saves on demand, as the fence does once the lock is gone. */
	static final class Refusing implements OffsetRepository {

		private final OffsetRepository delegate;

		volatile boolean refuse;

		Refusing(OffsetRepository delegate) {
			this.delegate = delegate;
		}

		@Override
		public Optional<StreamPosition> load(String streamId) {
			return this.delegate.load(streamId);
		}

		@Override
		public void save(String streamId, StreamPosition position) {
			if (this.refuse) {
				throw new LockLostException("refused (test)");
			}
			this.delegate.save(streamId, position);
		}

		@Override
		public void delete(String streamId) {
			this.delegate.delete(streamId);
		}

	}

}
