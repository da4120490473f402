package dev.vstream.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Exactly-once with the application's database: the crash app writes one effect row per change
 * into PostgreSQL, where its JDBC offset store also lives, so the effect and the position commit
 * together. The test kills it with SIGKILL at random points while orders are written through
 * vtgate, restarts it each time, and checks that every change left exactly one effect.
 */
class ExactlyOnceIT {

	private static final int ORDERS = 150;

	private static final int KILLS = 6;

	private final String tag = UUID.randomUUID().toString().substring(0, 8);

	private final String effectTable = "effect_" + this.tag;

	private final List<Process> processes = new ArrayList<>();

	private final JdbcTemplate postgres = new JdbcTemplate(new SingleConnectionDataSource(
			LocalVitess.get("VSTREAM_TEST_POSTGRES_URL"), LocalVitess.get("VSTREAM_TEST_POSTGRES_USER"),
			LocalVitess.get("VSTREAM_TEST_POSTGRES_PASSWORD"), true));

	@AfterEach
	void stopApps() {
		this.processes.forEach(Process::destroyForcibly);
	}

	@Test
	void killedAtRandomPointsNeitherLosesNorRepeatsAnEffect() throws Exception {
		this.postgres.execute("create table " + this.effectTable + " (order_id bigint, sku varchar(64), op varchar(8))");
		Path log = Files.createTempFile("crash-app-", ".log");
		Process app = start(log);
		await().atMost(Duration.ofSeconds(90)).until(() -> Files.readString(log).contains("CRASH-APP STREAMING"));

		AtomicReference<Throwable> writerFailure = new AtomicReference<>();
		Thread writer = new Thread(() -> {
			try {
				writeOrders();
			}
			catch (Throwable ex) {
				writerFailure.set(ex);
			}
		});
		writer.start();

		int expected = ORDERS * 2;
		for (int kill = 1; kill <= KILLS; kill++) {
			int threshold = expected * kill / (KILLS + 1) + ThreadLocalRandom.current().nextInt(-10, 10);
			await().atMost(Duration.ofSeconds(120)).until(() -> effects() >= threshold);
			app.destroyForcibly().waitFor();
			app = start(log);
		}
		writer.join(120_000);
		assertThat(writerFailure.get()).isNull();

		await().atMost(Duration.ofSeconds(120)).until(() -> effects() >= expected);
		await().alias("every change leaves exactly one effect, and no more arrive")
			.during(Duration.ofSeconds(3))
			.atMost(Duration.ofSeconds(10))
			.until(() -> effects() == expected);
		assertThat(this.postgres.queryForObject(
				"select count(*) from (select distinct order_id, op from " + this.effectTable + ") d", Integer.class))
			.as("no effect repeated").isEqualTo(expected);
		assertThat(this.postgres.queryForObject(
				"select count(*) from " + this.effectTable + " where op = 'UPDATE'", Integer.class))
			.isEqualTo(ORDERS);
	}

	private int effects() {
		return this.postgres.queryForObject("select count(*) from " + this.effectTable, Integer.class);
	}

	private void writeOrders() throws SQLException {
		try (Connection connection = LocalVitess.vtgate("commerce"); var statement = connection.createStatement()) {
			for (int i = 0; i < ORDERS; i++) {
				statement.execute("insert into corder (customer_id, sku, price) values (" + (900 + i % 7) + ", 'crash-"
						+ this.tag + "-" + i + "', 1.00)");
			}
			for (int i = 0; i < ORDERS; i++) {
				statement.execute("update corder set price = 2.00 where sku = 'crash-" + this.tag + "-" + i + "'");
			}
		}
	}

	private Process start(Path log) throws IOException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
				"dev.vstream.crashapp.CrashApplication", "--spring.main.banner-mode=off",
				"--vstream.vtgate.address=" + LocalVitess.grpcAddress(), "--vstream.keyspace=commerce",
				"--vstream.id=crash-" + this.tag, "--vstream.start-position=current",
				"--vstream.offset-store=jdbc", "--vstream.reconnect.initial-interval=200ms",
				"--spring.datasource.url=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_URL"),
				"--spring.datasource.username=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_USER"),
				"--spring.datasource.password=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_PASSWORD"),
				"--crash.effect-table=" + this.effectTable, "--crash.delay-millis=5",
				"--spring.data.redis.repositories.enabled=false");
		builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
		Process process = builder.start();
		this.processes.add(process);
		return process;
	}

}
