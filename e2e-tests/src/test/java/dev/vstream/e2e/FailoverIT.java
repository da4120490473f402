package dev.vstream.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import dev.vstream.actuate.VStreamEndpoint;
import dev.vstream.actuate.VStreamEndpoint.StreamDescriptor;
import dev.vstream.actuate.VStreamHealthIndicator;
import dev.vstream.e2e.E2eApplication.Recorder;
import dev.vstream.listener.RowChange;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamMonitor;
import io.grpc.Status;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
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

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Failover and tablet faults on the multi-process Vitess cluster of
 * {@code scripts/vitess-cluster/} (issue 14): one application streams both shards of
 * keyspace {@code customer} (JDBC offset store on an embedded H2) while a writer inserts
 * orders through vtgate all the time; then, one after the other, a
 * {@code PlannedReparentShard}, a SIGKILLed and restarted primary vttablet, a SIGKILLed
 * primary mysqld (restarted by mysqld_safe), a SIGKILLed primary mysqld with an
 * {@code EmergencyReparentShard} (which Vitess on MariaDB sometimes refuses: then the
 * mysqld comes back as the primary, noted in the report), and a SIGKILLed and restarted
 * vtgate. After each: every committed order received, none twice (each insert is one
 * transaction, and a reconnect resumes from the last handled one), the stream
 * {@code STREAMING} and health {@code UP} by itself, the reconnect counted (container and
 * {@code /actuator/vstream}) where the stream broke. With
 * {@code vstream.tablet-type=replica}: a SIGKILLed and restarted replica vttablet. In
 * shard-distributed mode, two instances (child JVMs, PostgreSQL offsets and locks, one
 * shard each): a SIGKILLed and restarted primary vttablet.
 *
 * <p>
 * Prints one row per event (event, committed, received, lost, repeated, time until every
 * order committed up to the event's end arrived, states and health meanwhile, reconnects,
 * the gRPC statuses the stream saw) and writes them to {@code target/failover-report.md}.
 * Leaves the cluster serving (primaries may have moved).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(RealCluster.LOCK)
class FailoverIT {

	/** vtgate stalls a shard ~30 s after a reparent or a tablet restart, silently. */
	private static final Duration CATCH_UP = Duration.ofSeconds(150);

	private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(60);

	private static final List<String> report = new CopyOnWriteArrayList<>();

	private static final List<String> summaries = new CopyOnWriteArrayList<>();

	private final String tag = "fo-" + UUID.randomUUID().toString().substring(0, 8);

	private final Statuses statuses = new Statuses();

	private final InJvmApps apps = new InJvmApps(E2eApplication.class)
		.initializer((context) -> context.getBeanFactory().registerSingleton("failoverStatuses", this.statuses));

	private Writer writer;

	private Recorder recorder;

	private VStreamContainer container;

	private VStreamHealthIndicator health;

	/** Orders whose reception was already checked, and repeats already reported. */
	private final Set<Long> checked = new HashSet<>();

	private long repeatsReported;

	/** What happened differently from the event's name, for its row of the report. */
	private String note;

	@BeforeAll
	static void clusterServes() throws Exception {
		RealCluster.requireServing();
	}

	@AfterEach
	void stop() throws Exception {
		if (this.writer != null) {
			this.writer.stop();
		}
		this.apps.close();
		writeReport();
	}

	@AfterAll
	static void clusterStillServes() throws Exception {
		if (!Files.exists(RealCluster.runDir().resolve("cluster.env"))) {
			return; // never started: clusterServes() said what to do
		}
		// every shard with a serving primary again, for the next run and other tests
		RealCluster.ops("start-vtgate");
		RealCluster.requireServing(Duration.ofSeconds(60));
	}

	@Test
	@Order(1)
	void primaryStreamSurvivesReparentTabletRestartMysqldCrashEmergencyReparentAndVtgateRestart() throws Exception {
		start("primary");
		event("PlannedReparentShard customer/-80", "primary", () -> RealCluster.ops("reparent", "customer", "-80"));
		String tablet = RealCluster.primary("customer", "80-");
		event("SIGKILL + restart of the customer/80- primary's vttablet (" + tablet + ")", "primary", () -> {
			try {
				RealCluster.ops("kill-tablet", tablet);
				Thread.sleep(3000);
			}
			finally {
				RealCluster.ops("start-tablet", tablet);
			}
		});
		String crashed = RealCluster.primary("customer", "-80");
		event("SIGKILL of the customer/-80 primary's mysqld, restarted by mysqld_safe (" + crashed + ")", "primary",
				() -> RealCluster.ops("crash-mysqld", crashed));
		String killed = RealCluster.primary("customer", "80-");
		event("SIGKILL of the customer/80- primary's mysqld (" + killed + "), EmergencyReparentShard, old primary back",
				"primary", () -> {
					try {
						RealCluster.ops("kill-mysqld", killed);
						Thread.sleep(2000);
						RealCluster.ops("ers", "customer", "80-");
					}
					catch (IllegalStateException ex) {
						// Vitess on MariaDB does not always manage (README): the mysqld
						// comes back as the primary instead, which the stream must
						// survive too
						this.note = "EmergencyReparentShard failed (" + lastVtctldError() + "), so the mysqld was "
								+ "restarted as the primary after ~3 s";
					}
					finally {
						RealCluster.ops("start-mysqld", killed);
					}
				});
		event("SIGKILL + restart of vtgate", "primary", () -> {
			try {
				RealCluster.ops("kill-vtgate");
				Thread.sleep(3000);
			}
			finally {
				RealCluster.ops("start-vtgate");
			}
		});
		finish();
	}

	@Test
	@Order(2)
	void replicaStreamSurvivesReplicaTabletRestart() throws Exception {
		start("replica");
		String tablet = RealCluster.replica("customer", "-80");
		event("SIGKILL + restart of a customer/-80 replica's vttablet (" + tablet + ")", "replica", () -> {
			try {
				RealCluster.ops("kill-tablet", tablet);
				Thread.sleep(3000);
			}
			finally {
				RealCluster.ops("start-tablet", tablet);
			}
		});
		finish();
	}

	@Test
	@Order(3)
	void shardDistributedInstancesSurvivePrimaryTabletRestart() throws Exception {
		String table = "failover_" + this.tag.replace("-", "_");
		JdbcTemplate database = new JdbcTemplate(new SingleConnectionDataSource(
				LocalVitess.get("VSTREAM_TEST_POSTGRES_URL"), LocalVitess.get("VSTREAM_TEST_POSTGRES_USER"),
				LocalVitess.get("VSTREAM_TEST_POSTGRES_PASSWORD"), true));
		database.execute("create table " + table + " (order_id bigint, shard varchar(16), instance varchar(40), "
				+ "started_at timestamp(3), finished_at timestamp(3))");
		try (ChildJvm.Launcher launcher = ChildJvm.launcher("dev.vstream.scaleapp.ScaleApplication")) {
			Path log = Files.createTempFile("failover-scale-", ".log");
			List<ChildJvm> instances = new ArrayList<>();
			for (String instance : List.of("node-1", "node-2")) {
				instances.add(launcher.start(log,
						List.of("--spring.main.banner-mode=off",
								"--vstream.vtgate.address=" + RealCluster.grpcAddress(), "--vstream.keyspace=customer",
								"--vstream.id=" + this.tag, "--vstream.start-position=current",
								"--vstream.heartbeat-interval=1s", "--vstream.reconnect.initial-interval=200ms",
								"--vstream.reconnect.max-interval=2s", "--vstream.offset-store=jdbc",
								"--vstream.scaling.mode=shard-distributed", "--vstream.scaling.instance-id=" + instance,
								"--vstream.scaling.lease=5s", "--vstream.scaling.check-interval=1s",
								"--vstream.scaling.max-shards-per-instance=1",
								"--spring.datasource.url=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_URL"),
								"--spring.datasource.username=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_USER"),
								"--spring.datasource.password=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_PASSWORD"),
								"--spring.datasource.hikari.maximum-pool-size=4", "--scale.table=" + table,
								"--scale.tag=" + this.tag, "--spring.data.redis.repositories.enabled=false")));
			}
			ChildJvm any = instances.get(0);
			any.awaitLog("SCALE-APP STREAMING " + this.tag + "@customer/-80", Duration.ofSeconds(120));
			any.awaitLog("SCALE-APP STREAMING " + this.tag + "@customer/80-", Duration.ofSeconds(60));
			this.writer = new Writer(this.tag);
			this.writer.start();
			await().atMost(Duration.ofSeconds(60)).until(() -> this.writer.committed().size() >= 20);
			Set<Long> first = this.writer.committed();
			await().atMost(Duration.ofSeconds(60)).until(() -> handled(database, table).keySet().containsAll(first));

			String tablet = RealCluster.primary("customer", "-80");
			String name = "SIGKILL + restart of the customer/-80 primary's vttablet (" + tablet + ")";
			int logBefore = any.logText().length();
			Instant start = Instant.now();
			System.out.println("FailoverIT " + start + ": " + name + " (shard-distributed)");
			try {
				RealCluster.ops("kill-tablet", tablet);
				Thread.sleep(3000);
			}
			finally {
				RealCluster.ops("start-tablet", tablet);
			}
			Instant done = Instant.now();
			Thread.sleep(1000);
			Set<Long> committed = this.writer.committed();
			committed.removeAll(first);
			await().atMost(CATCH_UP)
				.pollInterval(Duration.ofMillis(200))
				.failFast("an instance exited (see " + log + ")",
						() -> instances.stream().anyMatch((i) -> !i.process().isAlive()))
				.until(() -> handled(database, table).keySet().containsAll(committed));
			Duration catchUp = Duration.between(start, Instant.now());
			Map<Long, Integer> handled = handled(database, table);
			long repeated = handled.values().stream().filter((n) -> n > 1).mapToLong((n) -> n - 1).sum();
			List<String> broke = any.logText()
				.substring(logBefore)
				.lines()
				.filter((line) -> line.contains("broke (") && line.contains("reconnecting in"))
				.map((line) -> line.substring(line.indexOf("Stream '"), line.indexOf(" on vtgate")))
				.toList();
			String row = "| " + name + " | shard-distributed, 2 instances | " + committed.size() + " | "
					+ committed.stream().filter(handled::containsKey).count() + " | 0 | " + repeated + " | "
					+ catchUp.toMillis() / 100 / 10.0 + " s (operation " + Duration.between(start, done).toMillis()
					+ " ms) | - | " + broke.size() + " | "
					+ (broke.isEmpty() ? "none" : String.join("; ", broke).replace("|", "\\|")) + " |";
			System.out.println("FailoverIT " + row);
			report.add(row);
			writeReport();

			this.writer.stop();
			Set<Long> inTable = this.writer.inTable();
			assertThat(inTable).containsAll(this.writer.committed());
			await().atMost(CATCH_UP).until(() -> handled(database, table).keySet().containsAll(inTable));
			await().during(Duration.ofSeconds(2))
				.atMost(Duration.ofSeconds(10))
				.until(() -> handled(database, table).size() == inTable.size());
			// the listener's insert and the position commit together (transactional JDBC
			// store): nothing twice
			assertThat(handled(database, table).entrySet().stream().filter((e) -> e.getValue() > 1).toList())
				.as("orders handled twice")
				.isEmpty();
			summaries.add("- " + this.tag + " (shard-distributed): " + this.writer.committed().size()
					+ " orders committed, " + this.writer.ambiguous.size() + " ambiguous, " + inTable.size()
					+ " in the table, all handled once; instances' log " + log);
			for (ChildJvm instance : instances) {
				instance.terminate();
			}
		}
		finally {
			database.execute("drop table if exists " + table);
		}
	}

	/** Order id -> how often an instance of the scale application handled it. */
	private static Map<Long, Integer> handled(JdbcTemplate database, String table) {
		Map<Long, Integer> counts = new HashMap<>();
		database.query("select order_id from " + table,
				(RowCallbackHandler) (rs) -> counts.merge(rs.getLong(1), 1, Integer::sum));
		return counts;
	}

	private void start(String tabletType) {
		this.apps.vtgate(RealCluster.grpcAddress());
		ConfigurableApplicationContext app = this.apps.start(this.tag,
				List.of("vstream.keyspace=customer", "e2e.order-keyspace=customer", "vstream.tablet-type=" + tabletType,
						"vstream.start-position=current", "vstream.offset-store=jdbc",
						"spring.datasource.url=jdbc:h2:mem:" + this.tag + ";DB_CLOSE_DELAY=-1",
						"vstream.reconnect.initial-interval=200ms", "vstream.reconnect.max-interval=2s"));
		this.recorder = app.getBean(Recorder.class);
		this.container = app.getBean(VStreamContainer.class);
		this.health = new VStreamHealthIndicator(this.container, HEALTH_TIMEOUT);
		await().atMost(Duration.ofSeconds(60)).until(() -> this.container.getState() == StreamState.STREAMING);
		this.writer = new Writer(this.tag);
		this.writer.start();
		// streaming before anything happens: the first orders of both shards arrive
		await().atMost(Duration.ofSeconds(60)).until(() -> this.writer.committed().size() >= 20);
		Set<Long> first = this.writer.committed();
		await().atMost(Duration.ofSeconds(60)).until(() -> received().keySet().containsAll(first));
		this.checked.addAll(first);
	}

	/**
	 * Run a fault with writes going on, then wait until every order committed up to its
	 * end has arrived, and check and report.
	 */
	private void event(String name, String mode, Operation operation) throws Exception {
		long reconnectsBefore = this.container.getReconnects();
		int statusesBefore = this.statuses.all.size();
		Instant start = Instant.now();
		System.out.println("FailoverIT " + start + ": " + name);
		// what the stream's state and health go through meanwhile
		Set<String> observed = ConcurrentHashMap.newKeySet();
		AtomicBoolean observing = new AtomicBoolean(true);
		CompletableFuture<Void> observer = BackgroundWriter.start("failover-observer", () -> {
			while (observing.get()) {
				observed.add(this.container.getState() + " (" + this.health.health().getStatus().getCode() + ")");
				Thread.sleep(100);
			}
		});
		try {
			operation.run();
		}
		catch (Exception | Error ex) {
			observing.set(false);
			throw ex;
		}
		Instant done = Instant.now();
		// a few writes after the operation, on whatever vtgate routes to now
		Thread.sleep(1000);
		Set<Long> committed = this.writer.committed();
		committed.removeAll(this.checked);
		boolean caughtUp = true;
		try {
			await().atMost(CATCH_UP)
				.pollInterval(Duration.ofMillis(100))
				.failFast("the stream failed", () -> this.container.getState() == StreamState.FAILED)
				.until(() -> received().keySet().containsAll(committed));
		}
		catch (ConditionTimeoutException | TerminalFailureException ex) {
			caughtUp = false;
		}
		Duration catchUp = Duration.between(start, Instant.now());
		if (this.note != null) {
			name = name + " (" + this.note + ")";
			this.note = null;
		}
		Map<Long, Integer> received = received();
		Set<Long> lost = new HashSet<>(committed);
		lost.removeAll(received.keySet());
		long repeats = received.values().stream().filter((n) -> n > 1).mapToLong((n) -> n - 1).sum();
		long repeated = repeats - this.repeatsReported;
		this.repeatsReported = repeats;
		this.checked.addAll(committed);
		if (!caughtUp) {
			observing.set(false);
			Set<Long> lostByCluster = new HashSet<>(lost);
			lostByCluster.removeAll(this.writer.inTable());
			report.add("| " + name + " | " + mode + " | " + committed.size() + " | " + (committed.size() - lost.size())
					+ " | " + lost.size() + " (" + lostByCluster.size() + " not in the table) | - | not within "
					+ CATCH_UP.toSeconds() + " s | " + String.join(", ", new TreeSet<>(observed)) + " | "
					+ (this.container.getReconnects() - reconnectsBefore) + " | "
					+ describe(this.statuses.all.subList(statusesBefore, this.statuses.all.size())) + " |");
			writeReport();
			throw new AssertionError(name + ": " + lost.size() + " committed orders not received within "
					+ CATCH_UP.toSeconds() + " s (" + lostByCluster.size()
					+ " of them no longer in the table: lost by the cluster); state " + this.container.getState()
					+ ", last error " + this.container.getLastError() + "; not received: " + lost);
		}
		await().atMost(HEALTH_TIMEOUT)
			.until(() -> this.container.getState() == StreamState.STREAMING
					&& "UP".equals(this.health.health().getStatus().getCode()));
		observing.set(false);
		assertThat(observer).succeedsWithin(Duration.ofSeconds(10));
		List<Status> seen = this.statuses.all.subList(statusesBefore, this.statuses.all.size());
		long reconnects = this.container.getReconnects() - reconnectsBefore;
		StreamDescriptor descriptor = new VStreamEndpoint(List.of(this.container)).stream(this.tag);
		String row = "| " + name + " | " + mode + " | " + committed.size() + " | "
				+ committed.stream().filter(received::containsKey).count() + " | 0 | " + repeated + " | "
				+ catchUp.toMillis() / 100 / 10.0 + " s (operation " + Duration.between(start, done).toMillis()
				+ " ms) | " + String.join(", ", new TreeSet<>(observed)) + " | " + reconnects + " | " + describe(seen)
				+ " |";
		System.out.println("FailoverIT " + row);
		report.add(row);
		writeReport();
		assertThat(descriptor).isNotNull();
		assertThat(descriptor.reconnects()).isEqualTo(this.container.getReconnects());
		assertThat(descriptor.state()).isEqualTo(StreamState.STREAMING);
		if (!seen.isEmpty()) {
			assertThat(reconnects).as("reconnects counted for %s", describe(seen)).isGreaterThanOrEqualTo(seen.size());
		}
		// each insert is a transaction of its own, and a reconnect resumes from the last
		// handled transaction: nothing comes twice
		assertThat(repeated).as("orders received twice").isZero();
	}

	/**
	 * Stop writing, and check the whole run against the table: every committed order
	 * there and received once; of the ambiguous ones (the insert failed with an error),
	 * exactly those in the table received.
	 */
	private void finish() throws Exception {
		this.writer.stop();
		Set<Long> inTable = this.writer.inTable();
		Set<Long> committed = this.writer.committed();
		assertThat(inTable).as("committed orders the cluster still has").containsAll(committed);
		await().atMost(CATCH_UP).until(() -> received().keySet().containsAll(inTable));
		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(10))
			.until(() -> received().size() == inTable.size());
		Map<Long, Integer> received = received();
		assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(inTable);
		assertThat(received.entrySet().stream().filter((e) -> e.getValue() > 1).map(Map.Entry::getKey).toList())
			.as("orders received twice")
			.isEmpty();
		Set<Long> ambiguousIn = new HashSet<>(this.writer.ambiguous);
		ambiguousIn.retainAll(inTable);
		String summary = "FailoverIT " + this.tag + ": " + committed.size() + " orders committed, "
				+ this.writer.ambiguous.size() + " ambiguous (" + ambiguousIn.size() + " of them in the table), "
				+ received.size() + " received, errors the writer saw: " + this.writer.errors;
		System.out.println(summary);
		summaries.add("- " + summary.replace("FailoverIT ", ""));
		assertThat(this.container.getState()).isEqualTo(StreamState.STREAMING);
	}

	/** The last error vtctldclient reported in the log of {@code ops.sh}. */
	private static String lastVtctldError() throws IOException {
		List<String> lines = Files.readAllLines(Path.of("target", "vitess-cluster-ops.log"));
		for (int i = lines.size() - 1; i >= 0; i--) {
			int at = lines.get(i).indexOf("rpc error: ");
			if (at >= 0) {
				String error = lines.get(i).substring(at);
				return error.substring(0, Math.min(error.length(), 400)).replace("\"}", "");
			}
		}
		return "see target/vitess-cluster-ops.log";
	}

	/** Order id -> how often it was received, of this test's orders. */
	private Map<Long, Integer> received() {
		Map<Long, Integer> counts = new HashMap<>();
		for (RowChange<E2eApplication.Order> change : this.recorder.orders) {
			if (this.tag.equals(change.row().sku())) {
				counts.merge(change.row().orderId(), 1, Integer::sum);
			}
		}
		return counts;
	}

	private static String describe(List<Status> statuses) {
		if (statuses.isEmpty()) {
			return "none";
		}
		Map<String, Integer> counts = new LinkedHashMap<>();
		for (Status status : statuses) {
			counts.merge(status.getCode() + ": " + status.getDescription(), 1, Integer::sum);
		}
		return counts.entrySet()
			.stream()
			.map((e) -> (e.getValue() > 1 ? e.getValue() + " x " : "")
					+ e.getKey().replace("|", "\\|").replace("\n", " "))
			.collect(Collectors.joining("; "));
	}

	private static void writeReport() throws IOException {
		List<String> lines = new ArrayList<>(List.of("# FailoverIT (scripts/vitess-cluster)", "",
				"| event | mode | committed | received | lost | repeated | time until every order committed up to the event's end arrived | states (health) seen meanwhile | reconnects | gRPC statuses seen |",
				"|---|---|---|---|---|---|---|---|---|---|"));
		lines.addAll(report);
		lines.add("");
		lines.addAll(summaries);
		Files.write(Path.of("target", "failover-report.md"), lines);
	}

	/** A fault, done through {@code ops.sh}. */
	@FunctionalInterface
	interface Operation {

		void run() throws Exception;

	}

	/** Captures every status the stream reconnected after. */
	static final class Statuses implements VStreamMonitor {

		final List<Status> all = new CopyOnWriteArrayList<>();

		@Override
		public void reconnecting(VStreamContainer container, Status status) {
			this.all.add(status);
		}

	}

	/**
	 * Inserts orders into {@code customer.corder} (customer ids 1 to 8: both shards)
	 * through vtgate, one transaction each, every 50 ms; an order counts as committed
	 * once its commit returned OK, as ambiguous when the insert failed with an error.
	 */
	static final class Writer {

		private final String tag;

		private final long firstId = 8_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000L);

		private final Set<Long> committed = ConcurrentHashMap.newKeySet();

		final Set<Long> ambiguous = ConcurrentHashMap.newKeySet();

		final Map<String, Integer> errors = new ConcurrentHashMap<>();

		private final AtomicBoolean running = new AtomicBoolean(true);

		private CompletableFuture<Void> writing;

		Writer(String tag) {
			this.tag = tag;
		}

		void start() {
			this.writing = BackgroundWriter.start("failover-writer", this::write);
		}

		Set<Long> committed() {
			return new HashSet<>(this.committed);
		}

		void stop() {
			this.running.set(false);
			assertThat(this.writing).succeedsWithin(Duration.ofSeconds(90));
		}

		private void write() {
			long id = this.firstId;
			Connection connection = null;
			while (this.running.get()) {
				long orderId = id++;
				try {
					if (connection == null) {
						connection = DriverManager.getConnection(
								RealCluster.jdbcUrl("customer", "connectTimeout=2000&socketTimeout=30000"), "root", "");
					}
					try (PreparedStatement insert = connection.prepareStatement(
							"insert into corder (order_id, customer_id, sku, price) values (?, ?, ?, 1.00)")) {
						insert.setLong(1, orderId);
						insert.setLong(2, 1 + orderId % 8);
						insert.setString(3, this.tag);
						insert.executeUpdate();
					}
					this.committed.add(orderId);
				}
				catch (SQLException ex) {
					this.ambiguous.add(orderId);
					// one entry per kind of error: without the connection id and the
					// query
					String message = String.valueOf(ex.getMessage()).replaceFirst("^\\(conn=\\d+\\) ", "");
					this.errors.merge(message.substring(0, Math.min(message.length(), 160)), 1, Integer::sum);
					close(connection);
					connection = null;
					sleep(200);
				}
				sleep(50);
			}
			close(connection);
		}

		/** The orders of this writer in the table now. */
		Set<Long> inTable() throws SQLException {
			Set<Long> ids = new HashSet<>();
			try (Connection connection = RealCluster.vtgate("customer");
					PreparedStatement select = connection
						.prepareStatement("select order_id from corder where sku = ?")) {
				select.setString(1, this.tag);
				try (ResultSet rows = select.executeQuery()) {
					while (rows.next()) {
						ids.add(rows.getLong(1));
					}
				}
			}
			return ids;
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

		private static void sleep(long millis) {
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
