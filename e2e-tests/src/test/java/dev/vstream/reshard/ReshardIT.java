package dev.vstream.reshard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vstream.e2e.InJvmApps;
import dev.vstream.e2e.LocalVitess;
import dev.vstream.e2e.RealCluster;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.ShardPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.reshard.Arrivals.Result;
import dev.vstream.reshard.ReshardApplication.Arrival;
import dev.vstream.reshard.ReshardApplication.Received;
import dev.vstream.scaling.ShardDistributedCoordinator;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamContainerRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.slf4j.LoggerFactory;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Resharding and MoveTables on the multi-process cluster of
 * {@code scripts/vitess-cluster/}, while writers insert into the keyspace all the time.
 * The test has a keyspace of its own ({@code reshardks}, shards {@code -80,80-}, created
 * and dropped here; and {@code reshardmv}, the target of the MoveTables), so that the
 * cluster's {@code customer} and {@code commerce} keyspaces, which the failover tests use
 * at the same time, are never touched. One test splits {@code -80}, the other
 * {@code 80-}, each with the Reshard workflow (create, copy, SwitchTraffic, complete, old
 * tablets removed: {@code ops.sh reshard}); the third moves table {@code customer} to
 * {@code reshardmv} ({@code ops.sh movetables}).
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(RealCluster.LOCK)
// The shards each test starts from: -80,80- for the first, -40,40-80,80- for the second.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReshardIT {

	static final String KEYSPACE = "reshardks";

	static final String MOVE_TARGET = "reshardmv";

	private static final Duration LEASE = Duration.ofSeconds(10);

	private final long firstOrderId = 1_000_000L * ThreadLocalRandom.current().nextInt(1, 1_000_000);

	private final InJvmApps apps = new InJvmApps(ReshardApplication.class);

	private final InJvmApps distributedApps = new InJvmApps(ReshardApplication.class);

	private final OffsetRepository offsets = new InMemoryOffsetRepository();

	private final List<RowWriter> writers = new ArrayList<>();

	@BeforeAll
	static void createKeyspace() throws Exception {
		// fails with what to do when the cluster is not running
		RealCluster.settings();
		Instant start = Instant.now();
		RealCluster.ops("drop-keyspace", MOVE_TARGET);
		RealCluster.ops("drop-keyspace", KEYSPACE);
		RealCluster.ops("create-keyspace", KEYSPACE, "-80,80-");
		System.out.println("ReshardIT keyspace " + KEYSPACE + " -80,80- created in "
				+ Duration.between(start, Instant.now()).toMillis() + " ms");
	}

	@AfterAll
	static void dropKeyspace() throws Exception {
		RealCluster.ops("drop-keyspace", MOVE_TARGET);
		RealCluster.ops("drop-keyspace", KEYSPACE);
	}

	@AfterEach
	void closeApps() throws Exception {
		for (RowWriter writer : this.writers) {
			writer.stop();
		}
		this.apps.close();
		this.distributedApps.close();
	}

	/**
	 * {@code -80 -> -40,40-80}, streamed at once by a single-mode app (its
	 * vstream.stop-on-reshard=false, the default: vtgate follows the new shards by
	 * itself, the stream never stops) and by two shard-distributed instances sharing
	 * locks and positions in PostgreSQL (each shard stream stops at the journal and hands
	 * its shard over to the new ones, which the instances then take).
	 */
	@Test
	@Order(1)
	void singleModeFollowsTheNewShardsAndShardDistributedHandsThemOver() throws Exception {
		String id = "reshard-single";
		ConfigurableApplicationContext app = start(id);
		VStreamContainer container = streaming(app, id);
		String distributedId = "reshard-dist-" + UUID.randomUUID().toString().substring(0, 8);
		List<ConfigurableApplicationContext> instances = List.of(startDistributed(distributedId, "node-1"),
				startDistributed(distributedId, "node-2"));
		// Started together, so that both take a shard.
		instances.forEach((instance) -> instance.getBean(ShardDistributedCoordinator.class).start());
		awaitOwned(instances, Set.of("reshardks/-80", "reshardks/80-"));
		System.out.println("ReshardIT shard-distributed: shards owned before the reshard "
				+ instances.stream().map((i) -> owned(i).toString()).collect(Collectors.joining(" ")));
		RowWriter writer = writer(RowWriter.orders(KEYSPACE, this.firstOrderId));
		await().atMost(Duration.ofSeconds(20)).until(() -> writer.committed.size() >= 100);
		Instant reshardStart = Instant.now();
		RealCluster.ops("reshard", KEYSPACE, "split1", "-80", "-40,40-80");
		Duration reshard = Duration.between(reshardStart, Instant.now());
		Set<String> newShards = Set.of("reshardks/-40", "reshardks/40-80", "reshardks/80-");
		awaitOwned(instances, newShards);
		long afterHandover = writer.committed.size();
		await().atMost(Duration.ofSeconds(20)).until(() -> writer.committed.size() >= afterHandover + 100);
		Set<Long> committed = writer.stop();

		Received received = app.getBean(Received.class);
		Result result = Arrivals.arrived(received.arrivals, committed);
		Duration gap = Arrivals.longestGap(received.arrivals, reshardStart, Set.of("-80", "-40", "40-80")::contains);
		Arrivals.report("single, stop-on-reshard=false: -80 -> -40,40-80", committed, result, writer, reshard,
				"longest gap of the resharded shards " + gap.toMillis() + " ms");
		assertThat(result.lost()).as("lost").isEmpty();
		assertThat(result.repeated()).as("repeated (no reconnect happened)").isEmpty();
		assertThat(received.arrivals).extracting(Arrival::shard).contains("-40", "40-80");
		assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(shards(this.offsets.load(id).orElseThrow())).contains("-40", "40-80")
				.doesNotContain("-80"));

		List<Arrival> distributed = new CopyOnWriteArrayList<>();
		instances.forEach((instance) -> distributed.addAll(instance.getBean(Received.class).arrivals));
		Result handover = Arrivals.arrived(distributed, committed);
		Duration handoverGap = Arrivals.longestGap(distributed, reshardStart, Set.of("-80", "-40", "40-80")::contains);
		Arrivals.report("shard-distributed, 2 instances: -80 -> -40,40-80", committed, handover, writer, reshard,
				"longest gap of the resharded shards " + handoverGap.toMillis() + " ms; shards owned afterwards "
						+ instances.stream().map((i) -> owned(i).toString()).collect(Collectors.joining(" ")));
		assertThat(handover.lost()).as("lost (shard-distributed)").isEmpty();
		assertThat(handover.repeated()).as("repeated (shard-distributed)").isEmpty();
		assertThat(distributed).extracting(Arrival::shard).contains("-40", "40-80");
		OffsetRepository store = instances.get(0).getBean(OffsetRepository.class);
		assertThat(shards(store.load(ShardDistributedCoordinator.shardsKey(distributedId)).orElseThrow()))
			.containsExactlyInAnyOrder("-40", "40-80", "80-");
		for (String shard : List.of("-40", "40-80")) {
			await().atMost(Duration.ofSeconds(15))
				.untilAsserted(() -> assertThat(shards(
						store.load(ShardDistributedCoordinator.positionKey(distributedId, KEYSPACE + "/" + shard))
							.orElseThrow()))
					.containsExactly(shard));
		}
		assertThat(shards(
				store.load(ShardDistributedCoordinator.positionKey(distributedId, KEYSPACE + "/-80")).orElseThrow()))
			.as("hand-over record of the retired shard")
			.containsExactlyInAnyOrder("-40", "40-80");
		for (String key : List.of("#shards", "@reshardks/-80", "@reshardks/80-", "@reshardks/-40",
				"@reshardks/40-80")) {
			store.delete(distributedId + key);
		}
	}

	/**
	 * Single mode, vstream.stop-on-reshard=true: the stream stops at the journal with a
	 * message saying what to do; restarted as it says, it carries on with nothing lost.
	 */
	@Test
	@Order(2)
	void stopOnReshardStopsAtTheJournalAndARestartCarriesOn() throws Exception {
		String id = "reshard-stop";
		ConfigurableApplicationContext app = start(id, "vstream.stop-on-reshard=true");
		VStreamContainer container = streaming(app, id);
		RowWriter writer = writer(RowWriter.orders(KEYSPACE, this.firstOrderId));
		await().atMost(Duration.ofSeconds(20)).until(() -> writer.committed.size() >= 100);
		Instant reshardStart = Instant.now();
		RealCluster.ops("reshard", KEYSPACE, "split2", "80-", "80-c0,c0-");
		Duration reshard = Duration.between(reshardStart, Instant.now());
		await().atMost(Duration.ofSeconds(30)).until(() -> container.getState() == StreamState.FAILED);
		String message = String.valueOf(container.getLastError().getMessage());
		System.out.println("ReshardIT stop-on-reshard: state " + container.getState() + ", message: " + message);
		assertThat(message).contains("resharded", "vstream.stop-on-reshard", "names the new shards",
				"restart the stream");
		List<Arrival> arrivals = new ArrayList<>(app.getBean(Received.class).arrivals);
		app.close();
		Instant restart = Instant.now();
		ConfigurableApplicationContext again = start(id, "vstream.stop-on-reshard=false");
		VStreamContainer resumed = streaming(again, id);
		Duration toStreaming = Duration.between(restart, Instant.now());
		long afterRestart = writer.committed.size();
		await().atMost(Duration.ofSeconds(20)).until(() -> writer.committed.size() >= afterRestart + 100);
		Set<Long> committed = writer.stop();
		Received received = again.getBean(Received.class);
		List<Arrival> all = new CopyOnWriteArrayList<>(arrivals);
		Set<Long> before = arrivals.stream().map(Arrival::orderId).collect(Collectors.toSet());
		await().atMost(Duration.ofSeconds(60))
			.until(() -> received.arrivals.stream()
				.map(Arrival::orderId)
				.collect(Collectors.toSet())
				.containsAll(committed.stream().filter((o) -> !before.contains(o)).toList()));
		all.addAll(received.arrivals);
		Result result = Arrivals.arrived(all, committed);
		Arrivals.report("single, stop-on-reshard=true, restarted with false: 80- -> 80-c0,c0-", committed, result,
				writer, reshard, "restart to STREAMING " + toStreaming.toMillis() + " ms");
		assertThat(result.lost()).as("lost").isEmpty();
		assertThat(received.arrivals).extracting(Arrival::shard).contains("80-c0", "c0-");
		assertThat(resumed.getState()).isEqualTo(StreamState.STREAMING);
	}

	/**
	 * MoveTables of a listened table ({@code customer}) to another keyspace while the
	 * stream streams the source keyspace: vtgate drops the TABLES journal, so the stream
	 * sees the table's rows up to SwitchTraffic and nothing after (they are written to
	 * the target keyspace), then the DROP TABLE of {@code complete}; the starter says so
	 * in a WARN naming the table and what to do. The other table goes on.
	 */
	@Test
	@Order(3)
	void moveTablesOfAListenedTableIsReported() throws Exception {
		// The stream's own log, not System.out: the other test classes run beside this
		// one.
		ListAppender<ILoggingEvent> streamLog = new ListAppender<>();
		Logger streamLogger = (Logger) LoggerFactory.getLogger("dev.vstream.stream");
		streamLog.start();
		streamLogger.addAppender(streamLog);
		try {
			moveTablesOfAListenedTable(streamLog);
		}
		finally {
			streamLogger.detachAppender(streamLog);
		}
	}

	private void moveTablesOfAListenedTable(ListAppender<ILoggingEvent> streamLog) throws Exception {
		Instant createStart = Instant.now();
		RealCluster.ops("create-keyspace", MOVE_TARGET, "0", unshardedSchema().toString());
		Duration create = Duration.between(createStart, Instant.now());
		String id = "reshard-move";
		ConfigurableApplicationContext app = start(id, "reshard.customers=true");
		VStreamContainer container = streaming(app, id);
		RowWriter orders = writer(RowWriter.orders(KEYSPACE, this.firstOrderId));
		RowWriter customers = writer(RowWriter.customers(KEYSPACE, this.firstOrderId));
		await().atMost(Duration.ofSeconds(20)).until(() -> customers.committed.size() >= 100);
		Instant moveStart = Instant.now();
		RealCluster.ops("movetables", KEYSPACE, MOVE_TARGET, "move1", "customer");
		Duration move = Duration.between(moveStart, Instant.now());
		Set<Long> committedCustomers = customers.stop(MOVE_TARGET);
		long afterMove = orders.committed.size();
		await().atMost(Duration.ofSeconds(20)).until(() -> orders.committed.size() >= afterMove + 50);
		Set<Long> committedOrders = orders.stop();

		Received received = app.getBean(Received.class);
		Result orderResult = Arrivals.arrived(received.arrivals, committedOrders);
		Result customerResult = Arrivals.settled(received.customers, committedCustomers);
		Set<Long> notStreamed = new TreeSet<>(customerResult.lost());
		System.out.println("ReshardIT MoveTables DDL seen: "
				+ received.ddl.stream().map((d) -> d.shard() + ": " + d.statement()).toList());
		Arrivals.report("single: MoveTables " + KEYSPACE + ".customer -> " + MOVE_TARGET + ", table corder",
				committedOrders, orderResult, orders, move, "target keyspace created in " + create.toMillis() + " ms");
		Arrivals.report("single: MoveTables " + KEYSPACE + ".customer -> " + MOVE_TARGET + ", table customer",
				committedCustomers, customerResult, customers, move,
				"not streamed (written to " + MOVE_TARGET + " after SwitchTraffic) " + notStreamed.size());
		assertThat(orderResult.lost()).as("corder lost").isEmpty();
		assertThat(orderResult.repeated()).as("corder repeated").isEmpty();
		assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
		assertThat(customerResult.repeated()).as("customer repeated").isEmpty();
		// Every customer written before SwitchTraffic arrived; none written after it.
		long firstNotStreamed = notStreamed.isEmpty() ? Long.MAX_VALUE : notStreamed.iterator().next();
		assertThat(received.customers).extracting(Arrival::orderId).allMatch((c) -> c < firstNotStreamed);
		assertThat(notStreamed).as("customers written to the target keyspace").isNotEmpty();
		assertThat(received.ddl).extracting((ddl) -> ddl.statement().toLowerCase(Locale.ROOT))
			.anyMatch((s) -> s.contains("drop table") && s.contains("customer"));
		assertThat(streamLog.list).extracting(ILoggingEvent::getFormattedMessage)
			.anySatisfy((line) -> assertThat(line).contains("table 'customer' of keyspace 'reshardks', which listener",
					"was dropped on shard", "If a MoveTables workflow moved it"));
	}

	private RowWriter writer(RowWriter writer) {
		this.writers.add(writer);
		return writer.start();
	}

	/** A schema directory for {@code ops.sh create-keyspace}: no table, unsharded. */
	private static Path unshardedSchema() throws IOException {
		Path dir = Files.createTempDirectory("reshardmv-schema");
		Files.writeString(dir.resolve("vschema.json"), "{\"sharded\": false}\n");
		return dir;
	}

	private ConfigurableApplicationContext start(String id, String... more) {
		this.apps.initializer((context) -> {
			if (!context.getBeanFactory().containsSingleton("reshardOffsets")) {
				context.getBeanFactory().registerSingleton("reshardOffsets", this.offsets);
			}
		});
		List<String> properties = new ArrayList<>(List.of("vstream.vtgate.address=" + RealCluster.grpcAddress(),
				"vstream.keyspace=" + KEYSPACE, "vstream.start-position=current",
				"vstream.reconnect.initial-interval=200ms", "vstream.offset-store=memory"));
		properties.addAll(List.of(more));
		return this.apps.start(id, properties);
	}

	/**
	 * An instance of a shard-distributed stream, locks and positions in PostgreSQL.
	 */
	private ConfigurableApplicationContext startDistributed(String id, String instance) {
		return this.distributedApps.start(id,
				List.of("vstream.vtgate.address=" + RealCluster.grpcAddress(), "vstream.keyspace=" + KEYSPACE,
						"vstream.start-position=current", "vstream.reconnect.initial-interval=200ms",
						"vstream.offset-store=jdbc",
						"spring.datasource.url=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_URL"),
						"spring.datasource.username=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_USER"),
						"spring.datasource.password=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_PASSWORD"),
						"spring.datasource.hikari.maximum-pool-size=4", "vstream.scaling.mode=shard-distributed",
						"vstream.scaling.instance-id=" + instance, "vstream.scaling.lease=" + LEASE.toSeconds() + "s",
						"vstream.scaling.check-interval=1s", "vstream.stop-timeout=5s", "vstream.auto-startup=false"));
	}

	private static Set<String> owned(ConfigurableApplicationContext instance) {
		return instance.getBean(ShardDistributedCoordinator.class).getOwnedShards();
	}

	/** Wait until the instances together stream exactly these shards. */
	private static void awaitOwned(List<ConfigurableApplicationContext> instances, Set<String> shards) {
		await().atMost(Duration.ofSeconds(90)).until(() -> {
			Set<String> all = new TreeSet<>();
			for (ConfigurableApplicationContext instance : instances) {
				ShardDistributedCoordinator coordinator = instance.getBean(ShardDistributedCoordinator.class);
				for (VStreamContainer shard : coordinator.getContainers()) {
					if (shard.getState() != StreamState.STREAMING || shard.getPosition() == null) {
						return false;
					}
				}
				all.addAll(coordinator.getOwnedShards());
			}
			return all.equals(shards);
		});
	}

	private static VStreamContainer streaming(ConfigurableApplicationContext app, String id) {
		VStreamContainer container = app.getBean(VStreamContainerRegistry.class).getRequiredContainer(id);
		await().atMost(Duration.ofSeconds(60))
			.until(() -> container.getState() == StreamState.STREAMING && container.getPosition() != null);
		return container;
	}

	private static Set<String> shards(StreamPosition position) {
		return position.shards().stream().map(ShardPosition::shard).collect(Collectors.toSet());
	}

}
