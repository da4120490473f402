package dev.vstream.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.vstream.position.ShardPosition;
import dev.vstream.position.StreamPosition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Exactly-once with the application's database: the crash app writes one effect row per
 * change into PostgreSQL, where its JDBC offset store also lives, so the effect and the
 * position commit together. The test kills it with SIGKILL at random points while orders
 * are written through vtgate, restarts it each time, and checks that every change left
 * exactly one effect. It also runs two instances of the same stream side by side, as a
 * rolling deploy does.
 */
class ExactlyOnceIT {

	private static final int ORDERS = 150;

	private static final int KILLS = 4;

	/**
	 * The last number of each GTID (MariaDB domain-server-sequence, MySQL uuid:1-n), by
	 * what precedes it.
	 */
	private static final Pattern GTID_SEQUENCE = Pattern.compile("([^,/]*?)(\\d+)(?=,|$)");

	private final String tag = UUID.randomUUID().toString().substring(0, 8);

	private final String effectTable = "effect_" + this.tag;

	private final ChildJvm.Launcher launcher = ChildJvm.launcher("dev.vstream.crashapp.CrashApplication");

	private final JdbcTemplate postgres = postgres();

	@AfterEach
	void stopApps() {
		this.launcher.close();
	}

	@Test
	void killedAtRandomPointsNeitherLosesNorRepeatsAnEffect() throws Exception {
		createEffectTable();
		Path log = Files.createTempFile("crash-app-", ".log");
		ChildJvm app = start(log);
		app.awaitLog("CRASH-APP STREAMING", Duration.ofSeconds(90));

		CompletableFuture<Void> writer = BackgroundWriter.statements("commerce", this::writeOrders);

		int expected = ORDERS * 2;
		for (int kill = 1; kill <= KILLS; kill++) {
			int threshold = expected * kill / (KILLS + 1) + ThreadLocalRandom.current().nextInt(-10, 10);
			await().atMost(Duration.ofSeconds(120)).until(() -> effects() >= threshold);
			app.kill();
			app = start(log);
		}
		assertThat(writer).succeedsWithin(Duration.ofSeconds(120));

		assertEveryEffectOnce(expected);
		assertThat(this.postgres.queryForObject("select count(*) from " + this.effectTable + " where op = 'UPDATE'",
				Integer.class))
			.isEqualTo(ORDERS);
	}

	@Test
	void twoInstancesOfOneStreamDuringARollingDeployCommitEveryEffectOnceAndNeverMoveThePositionBack()
			throws Exception {
		createEffectTable();
		Path oldLog = Files.createTempFile("crash-app-old-", ".log");
		Path newLog = Files.createTempFile("crash-app-new-", ".log");
		ChildJvm old = start(oldLog);
		old.awaitLog("CRASH-APP STREAMING", Duration.ofSeconds(90));
		List<String> backwards = new CopyOnWriteArrayList<>();
		AtomicInteger samples = new AtomicInteger();
		ScheduledExecutorService sampler = samplePositions(backwards, samples);
		try {
			int expected = ORDERS * 2;
			writeOrders(0, 30);
			await().atMost(Duration.ofSeconds(60)).until(() -> effects() >= 60);

			// The new instance starts while the old one streams: both stream every
			// change.
			start(newLog).awaitLog("CRASH-APP STREAMING", Duration.ofSeconds(90));
			writeOrders(30, ORDERS - 30);
			await().atMost(Duration.ofSeconds(120)).until(() -> effects() >= expected - 60);

			// Then the old one is shut down (SIGTERM), the rolling deploy's last step;
			// the new one handles what follows.
			old.terminate();
			writeOrders(ORDERS - 30, ORDERS);
			assertEveryEffectOnce(expected);
		}
		finally {
			sampler.shutdownNow();
		}
		assertThat(samples.get()).as("positions sampled").isGreaterThan(100);
		assertThat(backwards).as("the saved position never moves backwards").isEmpty();
		String logs = Files.readString(oldLog) + Files.readString(newLog);
		assertThat(logs).as("the instance that lost a save says why")
			.contains("of stream 'crash-" + this.tag + "' not saved")
			.contains("Another instance with the same vstream.id is running");
	}

	/**
	 * Read the saved position every few milliseconds and record every step back: a
	 * shard's GTID sequence lower than in the previous sample.
	 */
	private ScheduledExecutorService samplePositions(List<String> backwards, AtomicInteger samples) {
		JdbcTemplate sampling = postgres();
		Map<String, Long> highest = new HashMap<>();
		ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
		sampler.scheduleWithFixedDelay(() -> {
			List<String> stored = sampling.queryForList("select position from vstream_offset where stream_id = ?",
					String.class, "crash-" + this.tag);
			if (stored.isEmpty()) {
				return;
			}
			for (ShardPosition shard : StreamPosition.fromJson(stored.get(0)).shards()) {
				Matcher sequences = GTID_SEQUENCE.matcher(shard.gtid());
				while (sequences.find()) {
					String key = shard.keyspace() + "/" + shard.shard() + "/" + sequences.group(1);
					long sequence = Long.parseLong(sequences.group(2));
					Long before = highest.put(key, sequence);
					if (before != null && sequence < before) {
						backwards.add(key + ": " + before + " -> " + sequence);
					}
				}
			}
			samples.incrementAndGet();
		}, 0, 10, TimeUnit.MILLISECONDS);
		return sampler;
	}

	/**
	 * Insert orders {@code from} to {@code to} (exclusive), each followed by an update.
	 */
	private void writeOrders(int from, int to) throws SQLException {
		try (Connection connection = LocalVitess.vtgate("commerce"); var statement = connection.createStatement()) {
			for (int i = from; i < to; i++) {
				statement.execute("insert into corder (customer_id, sku, price) values (" + (900 + i % 7) + ", 'crash-"
						+ this.tag + "-" + i + "', 1.00)");
				statement.execute("update corder set price = 2.00 where sku = 'crash-" + this.tag + "-" + i + "'");
			}
		}
	}

	/**
	 * Wait until {@code expected} effects have arrived, then check that no more arrive
	 * and that none is repeated.
	 */
	private void assertEveryEffectOnce(int expected) {
		await().atMost(Duration.ofSeconds(120)).until(() -> effects() >= expected);
		await().alias("every change leaves exactly one effect, and no more arrive")
			.during(Duration.ofSeconds(3))
			.atMost(Duration.ofSeconds(10))
			.until(() -> effects() == expected);
		assertThat(this.postgres.queryForObject(
				"select count(*) from (select distinct order_id, op from " + this.effectTable + ") d", Integer.class))
			.as("no effect repeated")
			.isEqualTo(expected);
	}

	private void createEffectTable() {
		this.postgres
			.execute("create table " + this.effectTable + " (order_id bigint, sku varchar(64), op varchar(8))");
	}

	/** A connection of its own to the PostgreSQL database of the crash app. */
	private static JdbcTemplate postgres() {
		return new JdbcTemplate(new SingleConnectionDataSource(LocalVitess.get("VSTREAM_TEST_POSTGRES_URL"),
				LocalVitess.get("VSTREAM_TEST_POSTGRES_USER"), LocalVitess.get("VSTREAM_TEST_POSTGRES_PASSWORD"),
				true));
	}

	private int effects() {
		return this.postgres.queryForObject("select count(*) from " + this.effectTable, Integer.class);
	}

	/** Insert every order, then update every order. */
	private void writeOrders(Statement statement) throws SQLException {
		for (int i = 0; i < ORDERS; i++) {
			statement.execute("insert into corder (customer_id, sku, price) values (" + (900 + i % 7) + ", 'crash-"
					+ this.tag + "-" + i + "', 1.00)");
		}
		for (int i = 0; i < ORDERS; i++) {
			statement.execute("update corder set price = 2.00 where sku = 'crash-" + this.tag + "-" + i + "'");
		}
	}

	private ChildJvm start(Path log) throws IOException {
		return this.launcher.start(log,
				List.of("--spring.main.banner-mode=off", "--vstream.vtgate.address=" + LocalVitess.grpcAddress(),
						"--vstream.keyspace=commerce", "--vstream.id=crash-" + this.tag,
						"--vstream.start-position=current", "--vstream.offset-store=jdbc",
						"--vstream.reconnect.initial-interval=200ms",
						"--spring.datasource.url=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_URL"),
						"--spring.datasource.username=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_USER"),
						"--spring.datasource.password=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_PASSWORD"),
						"--crash.effect-table=" + this.effectTable, "--crash.delay-millis=5",
						"--spring.data.redis.repositories.enabled=false"));
	}

}
