package dev.vstream.reshard;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import dev.vstream.e2e.InJvmApps;
import dev.vstream.e2e.RealCluster;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.ShardPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.reshard.ReshardApplication.Arrival;
import dev.vstream.reshard.ReshardApplication.Received;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamContainerRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Resharding on the multi-process cluster of {@code scripts/vitess-cluster/}, while a
 * writer inserts into the resharded keyspace all the time. The test has a keyspace of its
 * own ({@code reshardks}, shards {@code -80,80-}, created and dropped here), so that the
 * cluster's {@code customer} and {@code commerce} keyspaces, which the failover tests use
 * at the same time, are never touched. One test splits {@code -80}, the other
 * {@code 80-}, each with the Reshard workflow (create, copy, SwitchTraffic, complete, old
 * tablets removed: {@code ops.sh reshard}).
 */
class ReshardIT {

	static final String KEYSPACE = "reshardks";

	private final long firstOrderId = 1_000_000L * ThreadLocalRandom.current().nextInt(1, 1_000_000);

	private final InJvmApps apps = new InJvmApps(ReshardApplication.class);

	private final OffsetRepository offsets = new InMemoryOffsetRepository();

	@BeforeAll
	static void createKeyspace() throws Exception {
		// fails with what to do when the cluster is not running
		RealCluster.settings();
		Instant start = Instant.now();
		RealCluster.ops("drop-keyspace", KEYSPACE);
		RealCluster.ops("create-keyspace", KEYSPACE, "-80,80-");
		System.out.println("ReshardIT keyspace " + KEYSPACE + " -80,80- created in "
				+ Duration.between(start, Instant.now()).toMillis() + " ms");
	}

	@AfterAll
	static void dropKeyspace() throws Exception {
		RealCluster.ops("drop-keyspace", KEYSPACE);
	}

	private final List<Writer> writers = new ArrayList<>();

	@AfterEach
	void closeApps() throws Exception {
		for (Writer writer : this.writers) {
			writer.stop();
		}
		this.apps.close();
	}

	/**
	 * Single mode, vstream.stop-on-reshard=false (default): vtgate follows the new shards
	 * by itself; the stream never stops.
	 */
	@Test
	void singleModeFollowsTheNewShards() throws Exception {
		String id = "reshard-single";
		ConfigurableApplicationContext app = start(id);
		VStreamContainer container = streaming(app, id);
		Writer writer = new Writer();
		writer.start();
		Thread.sleep(2000);
		Instant reshardStart = Instant.now();
		RealCluster.ops("reshard", KEYSPACE, "split1", "-80", "-40,40-80");
		Duration reshard = Duration.between(reshardStart, Instant.now());
		Thread.sleep(3000);
		Set<Long> committed = writer.stop();
		Received received = app.getBean(Received.class);
		Result result = arrived(received.arrivals, committed);
		assertThat(result.lost()).as("lost").isEmpty();
		assertThat(result.repeated()).as("repeated (no reconnect happened)").isEmpty();
		assertThat(received.arrivals).extracting(Arrival::shard).contains("-40", "40-80");
		assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(shards(this.offsets.load(id).orElseThrow())).contains("-40", "40-80")
				.doesNotContain("-80"));
		Duration gap = longestGap(received.arrivals, reshardStart, Set.of("-80", "-40", "40-80")::contains);
		report("single, stop-on-reshard=false: -80 -> -40,40-80", committed, result, writer, reshard, gap);
	}

	/**
	 * Single mode, vstream.stop-on-reshard=true: the stream stops at the journal with a
	 * message saying what to do; restarted as it says, it carries on with nothing lost.
	 */
	@Test
	void stopOnReshardStopsAtTheJournalAndARestartCarriesOn() throws Exception {
		String id = "reshard-stop";
		ConfigurableApplicationContext app = start(id, "vstream.stop-on-reshard=true");
		VStreamContainer container = streaming(app, id);
		Writer writer = new Writer();
		writer.start();
		Thread.sleep(2000);
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
		Thread.sleep(1000);
		Instant restart = Instant.now();
		ConfigurableApplicationContext again = start(id, "vstream.stop-on-reshard=false");
		VStreamContainer resumed = streaming(again, id);
		Duration toStreaming = Duration.between(restart, Instant.now());
		Thread.sleep(3000);
		Set<Long> committed = writer.stop();
		Received received = again.getBean(Received.class);
		List<Arrival> all = new CopyOnWriteArrayList<>(arrivals);
		await().atMost(Duration.ofSeconds(60))
			.until(() -> received.arrivals.stream()
				.map(Arrival::orderId)
				.collect(Collectors.toSet())
				.containsAll(
						committed.stream().filter((o) -> !all.stream().anyMatch((a) -> a.orderId() == o)).toList()));
		all.addAll(received.arrivals);
		Result result = arrived(all, committed);
		report("single, stop-on-reshard=true, restarted with false: 80- -> 80-c0,c0-", committed, result, writer,
				reshard, toStreaming);
		assertThat(result.lost()).as("lost").isEmpty();
		assertThat(received.arrivals).extracting(Arrival::shard).contains("80-c0", "c0-");
		assertThat(resumed.getState()).isEqualTo(StreamState.STREAMING);
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

	private static VStreamContainer streaming(ConfigurableApplicationContext app, String id) {
		VStreamContainer container = app.getBean(VStreamContainerRegistry.class).getRequiredContainer(id);
		await().atMost(Duration.ofSeconds(60))
			.until(() -> container.getState() == StreamState.STREAMING && container.getPosition() != null);
		return container;
	}

	private static Set<String> shards(StreamPosition position) {
		return position.shards().stream().map(ShardPosition::shard).collect(Collectors.toSet());
	}

	/** Wait until every committed order arrived and nothing more comes. */
	private static Result arrived(List<Arrival> arrivals, Set<Long> committed) {
		await().atMost(Duration.ofSeconds(60))
			.until(() -> arrivals.stream().map(Arrival::orderId).collect(Collectors.toSet()).containsAll(committed));
		int[] size = { -1 };
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).until(() -> {
			int now = arrivals.size();
			boolean still = now == size[0];
			size[0] = now;
			return still;
		});
		Map<Long, Long> counts = arrivals.stream()
			.collect(Collectors.groupingBy(Arrival::orderId, Collectors.counting()));
		Set<Long> lost = new TreeSet<>(committed);
		lost.removeAll(counts.keySet());
		Set<Long> repeated = counts.entrySet()
			.stream()
			.filter((e) -> e.getValue() > 1)
			.map(Map.Entry::getKey)
			.collect(Collectors.toCollection(TreeSet::new));
		return new Result(lost, repeated, arrivals.size());
	}

	/** The longest time without an arrival from the resharded shards after a moment. */
	private static Duration longestGap(Collection<Arrival> arrivals, Instant from, Predicate<String> shard) {
		List<Instant> times = arrivals.stream()
			.filter((a) -> shard.test(a.shard()) && !a.at().isBefore(from))
			.map(Arrival::at)
			.sorted()
			.toList();
		Duration longest = Duration.ZERO;
		Instant previous = from;
		for (Instant at : times) {
			Duration gap = Duration.between(previous, at);
			if (gap.compareTo(longest) > 0) {
				longest = gap;
			}
			previous = at;
		}
		return longest;
	}

	private static void report(String event, Set<Long> committed, Result result, Writer writer, Duration reshard,
			Duration gap) {
		System.out.println("ReshardIT | " + event + " | committed " + committed.size() + " (ambiguous "
				+ writer.ambiguous.size() + ", of which committed " + writer.ambiguousCommitted + ") | received "
				+ result.received() + " | lost " + result.lost().size() + " | repeated " + result.repeated().size()
				+ " | reshard " + reshard.toMillis() + " ms | longest gap of the resharded shards " + gap.toMillis()
				+ " ms | failed writes: " + writer.errors);
	}

	record Result(Set<Long> lost, Set<Long> repeated, int received) {
	}

	/**
	 * Inserts one order every 20 ms through vtgate, customer_id = order_id (both shards).
	 * An insert that fails is ambiguous: a SELECT after the writing decides.
	 */
	final class Writer {

		final Set<Long> committed = ConcurrentHashMap.newKeySet();

		final Set<Long> ambiguous = ConcurrentHashMap.newKeySet();

		final Map<String, Integer> errors = new ConcurrentHashMap<>();

		int ambiguousCommitted;

		private final AtomicBoolean running = new AtomicBoolean(true);

		private Thread thread;

		void start() {
			ReshardIT.this.writers.add(this);
			this.thread = new Thread(this::write, "reshard-writer");
			this.thread.start();
		}

		private void write() {
			long next = ReshardIT.this.firstOrderId;
			Connection connection = null;
			while (this.running.get()) {
				long id = next++;
				try {
					if (connection == null) {
						connection = RealCluster.vtgate(KEYSPACE);
					}
					try (Statement statement = connection.createStatement()) {
						statement.execute("insert into corder (order_id, customer_id, sku, price) values (" + id + ", "
								+ id + ", 'r', 1.00)");
					}
					this.committed.add(id);
				}
				catch (SQLException ex) {
					this.ambiguous.add(id);
					this.errors.merge(String.valueOf(ex.getMessage()).lines().findFirst().orElse(""), 1, Integer::sum);
					close(connection);
					connection = null;
				}
				try {
					Thread.sleep(20);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
			close(connection);
		}

		/**
		 * Stop writing, decide the ambiguous inserts, and return every committed order.
		 */
		Set<Long> stop() throws Exception {
			if (!this.running.getAndSet(false)) {
				return new TreeSet<>(this.committed);
			}
			this.thread.join(10_000);
			if (!this.ambiguous.isEmpty()) {
				try (Connection connection = RealCluster.vtgate(KEYSPACE);
						Statement statement = connection.createStatement()) {
					for (long id : this.ambiguous) {
						try (var rs = statement
							.executeQuery("select 1 from corder where order_id = " + id + " and customer_id = " + id)) {
							if (rs.next()) {
								this.committed.add(id);
								this.ambiguousCommitted++;
							}
						}
					}
				}
			}
			return new TreeSet<>(this.committed);
		}

		private static void close(Connection connection) {
			if (connection != null) {
				try {
					connection.close();
				}
				catch (SQLException ex) {
					// gone anyway
				}
			}
		}

	}

}
