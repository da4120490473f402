package dev.vstream.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scale-out against the real vtgate: three instances of {@code ScaleApplication} share
 * the two shards of keyspace {@code customer} (vstream.scaling.mode=shard-distributed, at
 * most one shard each, so the third stands by), coordinated through PostgreSQL locks or
 * Redis locks; or two instances in active-standby mode over MariaDB locks. Orders are
 * written through vtgate's MySQL port while the owner of one shard is killed with
 * SIGKILL; the instances record every handling (instance, shard, start and end time) in
 * PostgreSQL. Checked: every change handled, the killed instance's shard taken over
 * within 30 s (printed), and no shard handled by two instances except across the takeover
 * (the killed instance before the kill, its successor after).
 */
class ScaleOutIT {

	private static final int ORDERS = 300;

	private static final Duration LEASE = Duration.ofSeconds(5);

	private final String tag = "so" + UUID.randomUUID().toString().substring(0, 8);

	private final String table = "scale_" + this.tag;

	private final long firstOrderId = 7_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000L);

	private final ChildJvm.Launcher launcher = ChildJvm.launcher("dev.vstream.scaleapp.ScaleApplication");

	private final Map<String, ChildJvm> instances = new LinkedHashMap<>();

	/**
	 * Where the instances record their handlings (and, with offset-store jdbc, keep
	 * positions and locks).
	 */
	private JdbcTemplate database;

	private String databasePrefix;

	@AfterEach
	void stopApps() {
		this.launcher.close();
		if (this.database != null) {
			this.database.execute("drop table if exists " + this.table);
		}
	}

	@Test
	void shardsDistributedWithPostgresqlLocksSurviveAKilledOwner() throws Exception {
		Run run = scaleOut("shard-distributed", 3, "POSTGRES", List.of("--vstream.offset-store=jdbc"));
		// The position is saved in the transaction of the listener's work and fenced by
		// the lock row: the killed instance's unsaved work was rolled back with its
		// connection.
		assertThat(run.duplicates()).as("changes handled twice").isEmpty();
	}

	@Test
	void shardsDistributedWithRedisLocksSurviveAKilledOwner() throws Exception {
		Run run = scaleOut("shard-distributed", 3, "POSTGRES",
				List.of("--vstream.offset-store=redis",
						"--spring.data.redis.host=" + LocalVitess.get("VSTREAM_TEST_REDIS_HOST"),
						"--spring.data.redis.port=" + LocalVitess.get("VSTREAM_TEST_REDIS_PORT"),
						"--vstream.scaling.redis.registry-key=vstream-lock-" + this.tag));
		// At least once: the killed instance may have handled changes whose position it
		// had not saved yet; only those come again, from its successor.
		for (List<Handling> twice : run.duplicates()) {
			assertThat(twice).extracting(Handling::instance).contains(run.killed());
			assertThat(twice).filteredOn((h) -> !h.instance().equals(run.killed()))
				.allSatisfy((h) -> assertThat(h.started()).isAfterOrEqualTo(run.killedAt()));
		}
		// The killed owner streamed one shard: at most one group of saves
		// (vstream.checkpoint.group.transactions, 1000 by default) comes again.
		assertThat(run.duplicates()).as("changes handled twice").hasSizeLessThanOrEqualTo(1000);
	}

	@Test
	void activeStandbyWithMariadbLocksSurvivesAKilledLeader() throws Exception {
		Run run = scaleOut("active-standby", 2, "MARIADB", List.of("--vstream.offset-store=jdbc"));
		assertThat(run.duplicates()).as("changes handled twice").isEmpty();
	}

	private Run scaleOut(String mode, int instances, String database, List<String> store) throws Exception {
		this.databasePrefix = "VSTREAM_TEST_" + database + "_";
		this.database = new JdbcTemplate(new SingleConnectionDataSource(LocalVitess.get(this.databasePrefix + "URL"),
				LocalVitess.get(this.databasePrefix + "USER"), LocalVitess.get(this.databasePrefix + "PASSWORD"),
				true));
		String time = database.equals("MARIADB") ? "datetime(3)" : "timestamp(3)";
		this.database
			.execute("create table " + this.table + " (order_id bigint, shard varchar(16), instance varchar(40), "
					+ "started_at " + time + ", finished_at " + time + ")");
		boolean distributed = mode.equals("shard-distributed");
		List<String> args = new ArrayList<>(store);
		args.add("--vstream.scaling.mode=" + mode);
		try {
			Path log = Files.createTempFile("scale-app-", ".log");
			for (int i = 1; i <= instances; i++) {
				start("node-" + i, log, args);
			}
			String stream = "scale-" + this.tag;
			await().atMost(Duration.ofSeconds(120)).until(() -> {
				String output = Files.readString(log);
				return distributed
						? output.contains("SCALE-APP STREAMING " + stream + "@customer/-80")
								&& output.contains("SCALE-APP STREAMING " + stream + "@customer/80-")
						: output.contains("SCALE-APP STREAMING " + stream);
			});

			CompletableFuture<Void> writer = BackgroundWriter.statements("customer", this::writeOrders);

			// Mid-stream: changes of both shards handled, many more still to come.
			await().atMost(Duration.ofSeconds(60))
				.until(() -> count("shard = '-80'") >= 30 && count("shard = '80-'") >= 30);
			String victim = this.database.queryForObject(
					"select instance from " + this.table + " where shard = '-80' order by started_at desc limit 1",
					String.class);
			Instant killedAt = Instant.now();
			this.instances.get(victim).kill();
			System.out.println("ScaleOutIT " + mode + " killed " + victim + " (owner of customer/-80) with SIGKILL at "
					+ killedAt);

			assertThat(writer).succeedsWithin(Duration.ofSeconds(120));
			await().atMost(Duration.ofSeconds(90)).until(() -> distinctOrders() >= ORDERS);
			await().alias("every change handled, and no more arrive")
				.during(Duration.ofSeconds(2))
				.atMost(Duration.ofSeconds(15))
				.until(() -> distinctOrders() == ORDERS);

			List<Handling> handlings = this.database.query(
					"select order_id, shard, instance, started_at from " + this.table
							+ " order by started_at, order_id",
					(rs, i) -> new Handling(rs.getLong(1), rs.getString(2), rs.getString(3),
							rs.getTimestamp(4).toInstant()));
			Instant resumed = handlings.stream()
				.filter((h) -> h.shard().equals("-80") && !h.instance().equals(victim)
						&& !h.started().isBefore(killedAt))
				.map(Handling::started)
				.min(Instant::compareTo)
				.orElseThrow();
			Duration takeover = Duration.between(killedAt, resumed);
			System.out.println("ScaleOutIT " + mode + " " + database + " " + store.get(0) + ": customer/-80 taken over "
					+ takeover.toMillis() + " ms after the kill (lease " + LEASE + "); " + handlings.size()
					+ " handlings of " + ORDERS + " changes");
			assertThat(takeover).isLessThan(Duration.ofSeconds(30));
			assertOneOwnerAtATime(handlings, victim, killedAt, distributed);
			return new Run(victim, killedAt, handlings);
		}
		finally {
			this.instances.values().forEach((instance) -> instance.process().destroy());
			for (ChildJvm instance : this.instances.values()) {
				instance.process().waitFor();
			}
		}
	}

	/**
	 * Per shard, in order of handling, the handling instance changes at most once: from
	 * the killed instance to its successor, which starts no earlier than the kill. The
	 * other shard keeps its owner.
	 */
	private static void assertOneOwnerAtATime(List<Handling> handlings, String victim, Instant killedAt,
			boolean distributed) {
		if (!distributed) {
			// One owner for the whole stream: the handling instance changes once, at the
			// kill.
			List<Handling> runs = runs(handlings);
			assertThat(runs).as("active instances in handling order").hasSize(2);
			assertThat(runs.get(0).instance()).isEqualTo(victim);
			assertThat(runs.get(1).started()).isAfterOrEqualTo(killedAt);
			return;
		}
		for (String shard : List.of("-80", "80-")) {
			List<Handling> runs = runs(handlings.stream().filter((h) -> h.shard().equals(shard)).toList());
			if (shard.equals("-80")) {
				assertThat(runs).as("owners of customer/-80 in handling order").hasSize(2);
				assertThat(runs.get(0).instance()).isEqualTo(victim);
				assertThat(runs.get(1).started()).isAfterOrEqualTo(killedAt);
			}
			else {
				assertThat(runs).as("owners of customer/80- in handling order").hasSize(1);
				assertThat(runs.get(0).instance()).isNotEqualTo(victim);
			}
		}
	}

	/** The first handling of each stretch handled by one instance. */
	private static List<Handling> runs(List<Handling> handlings) {
		List<Handling> runs = new ArrayList<>();
		for (Handling handling : handlings) {
			if (runs.isEmpty() || !runs.get(runs.size() - 1).instance().equals(handling.instance())) {
				runs.add(handling);
			}
		}
		return runs;
	}

	private int count(String where) {
		return this.database.queryForObject("select count(*) from " + this.table + " where " + where, Integer.class);
	}

	private int distinctOrders() {
		return this.database.queryForObject("select count(distinct order_id) from " + this.table, Integer.class);
	}

	private void writeOrders(Statement statement) throws SQLException {
		for (int i = 0; i < ORDERS; i++) {
			statement
				.execute("insert into corder (order_id, customer_id, sku, price) values (" + (this.firstOrderId + i)
						+ ", " + (this.firstOrderId + i) + ", '" + this.tag + "-" + i + "', 1.00)");
		}
	}

	private void start(String instance, Path log, List<String> store) throws IOException {
		List<String> command = new ArrayList<>(List.of("--spring.main.banner-mode=off",
				"--vstream.vtgate.address=" + LocalVitess.grpcAddress(), "--vstream.keyspace=customer",
				"--vstream.id=scale-" + this.tag, "--vstream.start-position=current", "--vstream.heartbeat-interval=1s",
				"--vstream.reconnect.initial-interval=200ms", "--vstream.scaling.instance-id=" + instance,
				"--vstream.scaling.lease=" + LEASE.toSeconds() + "s", "--vstream.scaling.check-interval=1s",
				"--vstream.scaling.max-shards-per-instance=1",
				"--spring.datasource.url=" + LocalVitess.get(this.databasePrefix + "URL"),
				"--spring.datasource.username=" + LocalVitess.get(this.databasePrefix + "USER"),
				"--spring.datasource.password=" + LocalVitess.get(this.databasePrefix + "PASSWORD"),
				"--spring.datasource.hikari.maximum-pool-size=4", "--scale.table=" + this.table,
				"--scale.tag=" + this.tag, "--scale.delay-millis=20",
				"--spring.data.redis.repositories.enabled=false"));
		command.addAll(store);
		this.instances.put(instance, this.launcher.start(log, command));
	}

	record Handling(long orderId, String shard, String instance, Instant started) {
	}

	record Run(String killed, Instant killedAt, List<Handling> handlings) {

		/** Changes handled more than once, with their handlings. */
		List<List<Handling>> duplicates() {
			Map<Long, List<Handling>> byOrder = new LinkedHashMap<>();
			this.handlings.forEach((h) -> byOrder.computeIfAbsent(h.orderId(), (k) -> new ArrayList<>()).add(h));
			return byOrder.values().stream().filter((list) -> list.size() > 1).toList();
		}

	}

}
