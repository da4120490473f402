package dev.vstream.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import dev.vstream.e2e.E2eApplication.Recorder;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A second local Vitess cluster for tests that need vtgate flags the shared one does not
 * have (TLS, static auth): its own run dir and ports, started and stopped by
 * {@code scripts/vitess}.
 *
 * @param runDir the run directory
 * @param basePort the base port (gRPC is base + 1, MySQL base + 3)
 */
record SecondCluster(String runDir, int basePort) {

	int grpcPort() {
		return this.basePort + 1;
	}

	int mysqlPort() {
		return this.basePort + 3;
	}

	/**
	 * Check that an app streaming from this cluster delivers what is committed on it:
	 * once its stream streams, an order with sku {@code sku} is inserted through this
	 * cluster's MySQL port, and the app's {@link Recorder} must receive it.
	 * @param app the app
	 * @param sku the order's sku
	 * @param timeout how long to wait for the stream, then for the order
	 */
	void assertDelivers(ConfigurableApplicationContext app, String sku, Duration timeout) throws SQLException {
		VStreamContainer container = app.getBean(VStreamContainer.class);
		await().atMost(timeout).until(() -> container.getState() == StreamState.STREAMING);
		try (Connection connection = DriverManager
			.getConnection("jdbc:mariadb://127.0.0.1:" + mysqlPort() + "/commerce", "root", "");
				Statement statement = connection.createStatement()) {
			statement.execute("insert into corder (customer_id, sku, price) values (1, '" + sku + "', 9.99)");
		}
		Recorder recorder = app.getBean(Recorder.class);
		await().atMost(timeout)
			.untilAsserted(() -> assertThat(recorder.orders)
				.anySatisfy((change) -> assertThat(change.row().sku()).isEqualTo(sku)));
	}

	/**
	 * Run {@code start.sh} or {@code stop.sh} for this cluster, bounded, its output in
	 * target/.
	 * @param script the script
	 * @param env extra environment (for example VSTREAM_VITESS_EXTRA_ARGS)
	 */
	void run(String script, Map<String, String> env) throws IOException, InterruptedException {
		Map<String, String> all = new HashMap<>(env);
		all.put("VSTREAM_VITESS_RUN", this.runDir);
		all.put("VSTREAM_VITESS_BASE_PORT", String.valueOf(this.basePort));
		ProjectScripts.run("vitess/" + script, all, Path.of(this.runDir).getFileName() + "-" + script + ".log");
	}

}
