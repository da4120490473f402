package dev.vstream.scaling;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import binlogdata.Binlogdata.Journal;
import binlogdata.Binlogdata.KeyspaceShard;
import binlogdata.Binlogdata.MigrationType;
import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VEvent;
import binlogdata.Binlogdata.VEventType;
import dev.vstream.actuate.VStreamEndpoint;
import dev.vstream.actuate.VStreamHealthContributor;
import dev.vstream.offset.JdbcOffsetRepository;
import dev.vstream.position.StreamPosition;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.vitess.proto.Vtgate.VStreamRequest;
import io.vitess.proto.Vtgate.VStreamResponse;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.integration.util.UUIDConverter;
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
 * Shard-distributed streaming with several instances in one JVM, each with its own JDBC
 * lock registry over one shared H2 database, against a scripted vtgate: sharing, failover
 * after a partition, fencing of a stale owner's saves, and hand-over at reshard journals.
 */
class ShardDistributedCoordinatorTests {

	private static final Duration LEASE = Duration.ofSeconds(2);

	private static final Duration CHECK = Duration.ofMillis(300);

	private final ScriptedVtgate vtgate = new ScriptedVtgate().withShards("customer", "-80", "80-");

	private final JdbcDataSource database = new JdbcDataSource();

	private final List<ScalingInstance.Handled> handled = new CopyOnWriteArrayList<>();

	private final List<ShardDistributedCoordinator> coordinators = new ArrayList<>();

	ShardDistributedCoordinatorTests() {
		this.database.setURL("jdbc:h2:mem:scaling-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
	}

	@AfterEach
	void close() {
		this.coordinators.forEach(ShardDistributedCoordinator::stop);
		this.vtgate.close();
	}

	private ScalingInstance instance(String id) {
		return new ScalingInstance(id, this.database, this.vtgate.channel(), LEASE, this.handled);
	}

	private ShardDistributedCoordinator start(ScalingInstance instance, int maxShards) {
		ShardDistributedCoordinator coordinator = new ShardDistributedCoordinator(instance.template, instance.locks,
				instance.fence, instance.offsets, new VtgateShardDiscovery(this.vtgate.channel()), LEASE, CHECK,
				maxShards);
		this.coordinators.add(coordinator);
		coordinator.start();
		return coordinator;
	}

	private static VStreamResponse order(String shard, long id, String gtid) {
		return response(begin(), corderFields("customer", shard),
				insert("customer", shard, "corder", row(id, 1L, "sku-" + id, "1.00")),
				vgtidEvent(vgtid("customer", shard, gtid)), commit());
	}

	/** The first response of a transaction split over two: its first row only. */
	private static VStreamResponse firstPart(String shard, long id) {
		return response(begin(), corderFields("customer", shard),
				insert("customer", shard, "corder", row(id, 1L, "sku-" + id, "1.00")));
	}

	/** The response that ends a transaction begun by {@link #firstPart}. */
	private static VStreamResponse rest(String shard, long id, String gtid) {
		return response(insert("customer", shard, "corder", row(id, 1L, "sku-" + id, "1.00")),
				vgtidEvent(vgtid("customer", shard, gtid)), commit());
	}

	private Optional<StreamPosition> saved(String shard) {
		return new JdbcOffsetRepository(new JdbcTemplate(this.database))
			.load(ShardDistributedCoordinator.positionKey("orders", "customer/" + shard));
	}

	private static String gtidOf(StreamPosition position) {
		return position.shards().get(0).gtid();
	}

	@Test
	void instancesShareTheShardsAndEachStreamsOnlyItsOwn() {
		ShardDistributedCoordinator a = start(instance("a"), 1);
		ShardDistributedCoordinator b = start(instance("b"), 1);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> a.getOwnedShards().size() == 1 && b.getOwnedShards().size() == 1);
		assertThat(a.getOwnedShards()).doesNotContainAnyElementsOf(b.getOwnedShards());
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.vtgate.openCallsFor("customer", "-80") == 1
					&& this.vtgate.openCallsFor("customer", "80-") == 1);
		// Each call asks for one shard only, and vtgate is asked to stop at a reshard.
		for (VStreamRequest request : this.vtgate.requests()) {
			assertThat(request.getVgtid().getShardGtidsCount()).isEqualTo(1);
			assertThat(request.getFlags().getStopOnReshard()).isTrue();
		}
		this.vtgate.sendTo("customer", "-80", order("-80", 1, "MariaDB/0-1-1"));
		this.vtgate.sendTo("customer", "80-", order("80-", 2, "MariaDB/0-2-1"));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.handled.size() == 2);
		String ownerOfLow = a.getOwnedShards().contains("customer/-80") ? "a" : "b";
		assertThat(this.handled).contains(new ScalingInstance.Handled(ownerOfLow, 1, "-80"));
		await().atMost(Duration.ofSeconds(5)).until(() -> saved("-80").isPresent() && saved("80-").isPresent());
		assertThat(gtidOf(saved("-80").get())).isEqualTo("MariaDB/0-1-1");
		// The actuator's view: both instances agree on who owns what.
		Map<String, String> owners = a.status()
			.shards()
			.stream()
			.collect(Collectors.toMap((o) -> o.keyspace() + "/" + o.shard(), ScalingStatus.Ownership::owner));
		assertThat(owners).containsEntry("customer/-80", ownerOfLow);
		assertThat(b.status().shards()).extracting(ScalingStatus.Ownership::owner)
			.containsExactlyInAnyOrderElementsOf(owners.values());
		assertThat(a.status().instanceId()).isEqualTo("a");
	}

	@Test
	void aPartitionedInstanceStopsAndAnotherTakesItsShardsOverFromTheSavedPositions() {
		ScalingInstance first = instance("a");
		ShardDistributedCoordinator a = start(first, 0);
		await().atMost(Duration.ofSeconds(10)).until(() -> a.getOwnedShards().size() == 2);
		await().until(() -> this.vtgate.openCallsFor("customer", "-80") == 1);
		this.vtgate.sendTo("customer", "-80", order("-80", 1, "MariaDB/0-1-1"));
		await().atMost(Duration.ofSeconds(5)).until(() -> saved("-80").isPresent());
		ShardDistributedCoordinator b = start(instance("b"), 0);

		long cut = System.nanoTime();
		first.dataSource.cut = true;
		await().atMost(Duration.ofSeconds(10)).until(() -> b.getOwnedShards().size() == 2);
		Duration takeover = Duration.ofNanos(System.nanoTime() - cut);
		System.out.println("Takeover after a partition took " + takeover.toMillis() + " ms (lease " + LEASE + ")");
		assertThat(takeover).isLessThan(LEASE.plus(CHECK.multipliedBy(4)));
		assertThat(a.getOwnedShards()).isEmpty();
		// b resumes -80 after the saved transaction, not from the configured start.
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.vtgate.requests()
				.stream()
				.anyMatch((r) -> r.getVgtid().getShardGtids(0).getShard().equals("-80")
						&& r.getVgtid().getShardGtids(0).getGtid().equals("MariaDB/0-1-1")));
		await().until(() -> this.vtgate.openCallsFor("customer", "-80") == 1);
		this.vtgate.sendTo("customer", "-80", order("-80", 2, "MariaDB/0-1-2"));
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.handled.contains(new ScalingInstance.Handled("b", 2, "-80")));
		await().atMost(Duration.ofSeconds(5)).until(() -> gtidOf(saved("-80").get()).equals("MariaDB/0-1-2"));
		assertThat(this.handled).filteredOn((h) -> h.orderId() == 2)
			.extracting(ScalingInstance.Handled::instance)
			.containsOnly("b");
	}

	@Test
	void aStopAsksEveryShardStreamAtOnceSoThatTheirTransactionsInHandFinishTogether() {
		ShardDistributedCoordinator a = start(instance("a"), 0);
		await().atMost(Duration.ofSeconds(10)).until(() -> a.getOwnedShards().size() == 2);
		await().until(() -> this.vtgate.openCallsFor("customer", "-80") == 1
				&& this.vtgate.openCallsFor("customer", "80-") == 1);
		this.vtgate.sendTo("customer", "-80", firstPart("-80", 1));
		this.vtgate.sendTo("customer", "80-", firstPart("80-", 2));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.handled.size() == 2);
		List<VStreamContainer> streams = a.getContainers();
		CompletableFuture<Void> stopped = CompletableFuture.runAsync(a::stop);
		// Stopped one after the other, the second stream would be asked only once the
		// first gave up waiting for its rest (the 10 s stop timeout).
		await().atMost(Duration.ofSeconds(5)).until(() -> streams.stream().noneMatch(VStreamContainer::isRunning));
		assertThat(stopped).isNotDone();
		this.vtgate.sendTo("customer", "-80", rest("-80", 3, "MariaDB/0-1-1"));
		this.vtgate.sendTo("customer", "80-", rest("80-", 4, "MariaDB/0-2-1"));
		await().atMost(Duration.ofSeconds(5)).until(stopped::isDone);
		assertThat(this.handled).extracting(ScalingInstance.Handled::orderId).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
		assertThat(saved("-80")).hasValueSatisfying((p) -> assertThat(gtidOf(p)).isEqualTo("MariaDB/0-1-1"));
		assertThat(saved("80-")).hasValueSatisfying((p) -> assertThat(gtidOf(p)).isEqualTo("MariaDB/0-2-1"));
	}

	@Test
	void aSaveAfterTheLockWasTakenOverIsRefusedAndTheShardIsGivenUp() {
		ScalingInstance first = instance("a");
		ShardDistributedCoordinator a = start(first, 0);
		await().atMost(Duration.ofSeconds(10)).until(() -> a.getOwnedShards().size() == 2);
		await().until(() -> this.vtgate.openCallsFor("customer", "-80") == 1);
		this.vtgate.sendTo("customer", "-80", order("-80", 1, "MariaDB/0-1-1"));
		await().atMost(Duration.ofSeconds(5)).until(() -> saved("-80").isPresent());
		VStreamContainer lowStream = a.getContainers()
			.stream()
			.filter((c) -> c.getId().endsWith("customer/-80"))
			.findFirst()
			.orElseThrow();

		// Another instance took the lock over (as after an expiry this instance did not
		// notice).
		new JdbcTemplate(this.database).update(
				"UPDATE INT_LOCK SET CLIENT_ID = 'intruder', EXPIRED_AFTER = DATEADD('SECOND', 60, EXPIRED_AFTER) "
						+ "WHERE REGION = 'test' AND LOCK_KEY = ?",
				UUIDConverter.getUUID(ShardDistributedCoordinator.lockKey("orders", "customer/-80")).toString());
		this.vtgate.sendTo("customer", "-80", order("-80", 2, "MariaDB/0-1-2"));

		await().atMost(Duration.ofSeconds(5)).until(() -> lowStream.getState() == StreamState.FAILED);
		assertThat(lowStream.getLastError()).isInstanceOf(LockLostException.class);
		assertThat(gtidOf(saved("-80").get())).as("the stale owner's position is not saved").isEqualTo("MariaDB/0-1-1");
		await().atMost(Duration.ofSeconds(5)).until(() -> a.getOwnedShards().equals(Set.of("customer/80-")));
		assertThat(a.status().shards()).filteredOn((o) -> o.shard().equals("-80"))
			.extracting(ScalingStatus.Ownership::owner)
			.containsExactly("intruder");
	}

	@Test
	void aSplitHandsTheRetiredShardOverToTheNewShardsAtTheJournalPositions() {
		ShardDistributedCoordinator a = start(instance("a"), 0);
		await().atMost(Duration.ofSeconds(10)).until(() -> a.getOwnedShards().size() == 2);
		await().until(() -> this.vtgate.openCallsFor("customer", "-80") == 1);
		this.vtgate.sendTo("customer", "-80", order("-80", 1, "MariaDB/0-1-1"),
				response(journal(List.of("-80"), Map.of("-40", "MariaDB/0-3-5", "40-80", "MariaDB/0-4-5"))));

		await().atMost(Duration.ofSeconds(10))
			.until(() -> a.getOwnedShards().equals(Set.of("customer/80-", "customer/-40", "customer/40-80")));
		assertThat(a.getShards()).containsExactlyInAnyOrder("customer/80-", "customer/-40", "customer/40-80");
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.vtgate.openCallsFor("customer", "-40") == 1
					&& this.vtgate.openCallsFor("customer", "40-80") == 1
					&& this.vtgate.openCallsFor("customer", "-80") == 0);
		assertThat(requestFor("-40").getVgtid().getShardGtids(0).getGtid()).isEqualTo("MariaDB/0-3-5");
		assertThat(requestFor("40-80").getVgtid().getShardGtids(0).getGtid()).isEqualTo("MariaDB/0-4-5");
		assertThat(this.handled).extracting(ScalingInstance.Handled::orderId).containsExactly(1L);
		this.vtgate.sendTo("customer", "40-80", order("40-80", 7, "MariaDB/0-4-6"));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.handled.size() == 2);
	}

	@Test
	void aMergeWaitsForEveryParticipantBeforeTheNewShardIsStreamed() {
		ShardDistributedCoordinator a = start(instance("a"), 1);
		ShardDistributedCoordinator b = start(instance("b"), 1);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> a.getOwnedShards().size() == 1 && b.getOwnedShards().size() == 1);
		await().until(() -> this.vtgate.openCallsFor("customer", "-80") == 1
				&& this.vtgate.openCallsFor("customer", "80-") == 1);
		VStreamResponse merge = response(journal(List.of("-80", "80-"), Map.of("-", "MariaDB/0-9-1")));

		this.vtgate.sendTo("customer", "-80", merge);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> saved("-80").isPresent() && saved("-80").get().shards().get(0).shard().equals("-"));
		// One participant handed over: the new shard is not streamed before the other one
		// did.
		await().during(Duration.ofSeconds(1))
			.atMost(Duration.ofSeconds(3))
			.until(() -> this.vtgate.openCallsFor("customer", "-") == 0);

		this.vtgate.sendTo("customer", "80-", merge);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.vtgate.openCallsFor("customer", "-") == 1);
		assertThat(requestFor("-").getVgtid().getShardGtids(0).getGtid()).isEqualTo("MariaDB/0-9-1");
		await().atMost(Duration.ofSeconds(5))
			.until(() -> a.getShards().equals(List.of("customer/-"))
					&& (a.getOwnedShards().size() + b.getOwnedShards().size()) == 1);
	}

	@Test
	void instancesStartingTogetherShareTheShardsFairly() {
		this.vtgate.withShards("customer", "-40", "40-80", "80-c0", "c0-");
		ShardDistributedCoordinator a = start(instance("a"), 0);
		ShardDistributedCoordinator b = start(instance("b"), 0);
		await().atMost(Duration.ofSeconds(10)).until(() -> a.getOwnedShards().size() + b.getOwnedShards().size() == 4);
		// Past both warm-ups, when each could take every free shard: still two each.
		await().atMost(LEASE.multipliedBy(3)).until(() -> !a.isWarmingUp() && !b.isWarmingUp());
		await().during(CHECK.multipliedBy(2))
			.until(() -> a.getOwnedShards().size() == 2 && b.getOwnedShards().size() == 2);
		assertThat(a.getOwnedShards()).doesNotContainAnyElementsOf(b.getOwnedShards());
	}

	@Test
	void aSurvivorTakesEveryShardOfACrashedInstanceOverAtOneCheckAfterTheLease() {
		List<String> twelve = List.of("-10", "10-20", "20-30", "30-40", "40-50", "50-60", "60-70", "70-80", "80-a0",
				"a0-c0", "c0-e0", "e0-");
		this.vtgate.withShards("customer", twelve.toArray(String[]::new));
		ScalingInstance first = instance("a");
		ShardDistributedCoordinator a = start(first, 0);
		await().atMost(Duration.ofSeconds(15)).until(() -> a.getOwnedShards().size() == twelve.size());
		ShardDistributedCoordinator b = start(instance("b"), 0);
		await().atMost(Duration.ofSeconds(10)).until(() -> !b.isWarmingUp());
		assertThat(b.getOwnedShards()).isEmpty();

		long cut = System.nanoTime();
		first.dataSource.cut = true;
		await().atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> b.getOwnedShards().size() == twelve.size());
		Duration takeover = Duration.ofNanos(System.nanoTime() - cut);
		System.out.println("Takeover of " + twelve.size() + " shards after a crash took " + takeover.toMillis()
				+ " ms (lease " + LEASE + ", check " + CHECK + ")");
		// One shard per check would need 11 more checks after the first.
		assertThat(takeover).isLessThan(LEASE.plus(CHECK.multipliedBy(5)));
	}

	@Test
	void aRestartedInstanceWithTheSameIdTakesItsShardsBackWithoutWaitingForTheLease() {
		ScalingInstance crashed = instance("a");
		ShardDistributedCoordinator before = start(crashed, 0);
		await().atMost(Duration.ofSeconds(10)).until(() -> before.getOwnedShards().size() == 2);
		crashed.dataSource.cut = true;

		long restart = System.nanoTime();
		ShardDistributedCoordinator after = start(instance("a"), 0);
		await().atMost(Duration.ofSeconds(10)).until(() -> after.getOwnedShards().size() == 2);
		assertThat(Duration.ofNanos(System.nanoTime() - restart)).isLessThan(LEASE);
	}

	@Test
	void extraInstancesBeyondTheMaximumStandByAndTakeOverFromACrashedOne() {
		Map<ShardDistributedCoordinator, ScalingInstance> instances = new LinkedHashMap<>();
		for (String id : List.of("a", "b", "c")) {
			ScalingInstance instance = instance(id);
			instances.put(start(instance, 1), instance);
		}
		Set<ShardDistributedCoordinator> all = instances.keySet();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> all.stream().mapToInt((c) -> c.getOwnedShards().size()).sum() == 2);
		await().during(LEASE).atMost(LEASE.multipliedBy(3)).until(() -> all.stream().noneMatch((c) -> c.isWarmingUp()));
		assertThat(all).extracting((c) -> c.getOwnedShards().size()).containsExactlyInAnyOrder(0, 1, 1);
		ShardDistributedCoordinator standby = all.stream()
			.filter((c) -> c.getOwnedShards().isEmpty())
			.findFirst()
			.orElseThrow();
		assertThat(standby.status().shards()).extracting(ScalingStatus.Ownership::ownedHere).containsOnly(false);
		ShardDistributedCoordinator crashed = all.stream().filter((c) -> c != standby).findFirst().orElseThrow();
		Set<String> shardOfCrashed = crashed.getOwnedShards();

		instances.get(crashed).dataSource.cut = true;
		await().atMost(LEASE.multipliedBy(3)).until(() -> standby.getOwnedShards().equals(shardOfCrashed));
	}

	@Test
	void aShardStreamStoppedThroughTheEndpointKeepsItsShard() {
		ShardDistributedCoordinator a = start(instance("a"), 0);
		await().atMost(Duration.ofSeconds(10)).until(() -> a.getOwnedShards().size() == 2);
		await().until(() -> this.vtgate.openCallsFor("customer", "80-") == 1);
		VStreamEndpoint endpoint = new VStreamEndpoint(a::getContainers);
		endpoint.control("orders@customer/80-", "stop", null, null);
		ShardDistributedCoordinator b = start(instance("b"), 0);

		await().during(LEASE.plus(CHECK)).atMost(LEASE.multipliedBy(3)).until(() -> b.getOwnedShards().isEmpty());
		assertThat(a.getOwnedShards()).containsExactlyInAnyOrder("customer/-80", "customer/80-");
		assertThat(b.status().shards()).filteredOn((o) -> o.shard().equals("80-"))
			.singleElement()
			.satisfies((o) -> assertThat(o.owner()).isEqualTo("a"));
		assertThat(endpoint.stream("orders@customer/80-").state()).isEqualTo(StreamState.STOPPED);
		assertThat(this.vtgate.openCallsFor("customer", "80-")).isZero();

		endpoint.control("orders@customer/80-", "start", null, null);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.vtgate.openCallsFor("customer", "80-") == 1);
	}

	@Test
	void aFailedShardStreamKeepsItsShardWithHealthDownUntilFixedAndStartedThroughTheEndpoint() {
		// -80 cannot start (its position cannot be read); 80- fails on a listener error.
		ScalingInstance first = instance("a");
		new JdbcTemplate(this.database)
			.update("INSERT INTO vstream_offset (stream_id, position, updated_at) VALUES (?, 'not a position', "
					+ "CURRENT_TIMESTAMP)", ShardDistributedCoordinator.positionKey("orders", "customer/-80"));
		ShardDistributedCoordinator a = start(first, 0);
		await().atMost(Duration.ofSeconds(10)).until(() -> a.getOwnedShards().size() == 2);
		await().until(() -> this.vtgate.openCallsFor("customer", "80-") == 1);
		this.vtgate.sendTo("customer", "80-", order("80-", ScalingInstance.FAILING_ORDER, "MariaDB/0-2-1"));
		VStreamHealthContributor health = new VStreamHealthContributor(a::getContainers, Duration.ofMinutes(1));
		await().atMost(Duration.ofSeconds(5))
			.until(() -> health(health, "orders@customer/80-").getStatus().equals(Status.DOWN));
		assertThat(health(health, "orders@customer/-80").getStatus()).isEqualTo(Status.DOWN);
		assertThat(health(health, "orders@customer/-80").getDetails()).containsEntry("state", "FAILED")
			.hasEntrySatisfying("error", (error) -> assertThat(error.toString()).contains("cannot be read"));
		List<VStreamContainer> failed = a.getContainers();
		ShardDistributedCoordinator b = start(instance("b"), 0);

		// Kept, renewed beyond the lease, not retried here nor taken by the other
		// instance.
		await().during(LEASE.plus(CHECK.multipliedBy(2)))
			.atMost(LEASE.multipliedBy(4))
			.until(() -> b.getOwnedShards().isEmpty());
		assertThat(a.getContainers()).containsExactlyInAnyOrderElementsOf(failed);
		assertThat(b.status().shards()).extracting(ScalingStatus.Ownership::owner).containsOnly("a");
		assertThat(this.vtgate.requests()).noneMatch((r) -> r.getVgtid().getShardGtids(0).getShard().equals("-80"));

		VStreamEndpoint endpoint = new VStreamEndpoint(a::getContainers);
		endpoint.control("orders@customer/-80", "reset", "current", null);
		endpoint.control("orders@customer/-80", "start", null, null);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.vtgate.openCallsFor("customer", "-80") == 1);
		assertThat(health(health, "orders@customer/-80").getStatus()).isEqualTo(Status.UP);
		this.vtgate.sendTo("customer", "-80", order("-80", 1, "MariaDB/0-1-1"));
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.handled.contains(new ScalingInstance.Handled("a", 1, "-80")));
	}

	private static Health health(VStreamHealthContributor contributor, String stream) {
		return ((HealthIndicator) contributor.getContributor(VStreamHealthContributor.componentName(stream))).health();
	}

	private VStreamRequest requestFor(String shard) {
		return this.vtgate.requests()
			.stream()
			.filter((r) -> r.getVgtid().getShardGtids(0).getShard().equals(shard))
			.reduce((first, second) -> second)
			.orElseThrow();
	}

	private static VEvent journal(List<String> participants, Map<String, String> newShards) {
		Journal.Builder journal = Journal.newBuilder().setId(1).setMigrationType(MigrationType.SHARDS);
		participants
			.forEach((p) -> journal.addParticipants(KeyspaceShard.newBuilder().setKeyspace("customer").setShard(p)));
		newShards.forEach((shard, gtid) -> journal
			.addShardGtids(ShardGtid.newBuilder().setKeyspace("customer").setShard(shard).setGtid(gtid)));
		return VEvent.newBuilder().setType(VEventType.JOURNAL).setJournal(journal).build();
	}

}
