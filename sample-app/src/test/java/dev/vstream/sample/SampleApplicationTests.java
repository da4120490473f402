package dev.vstream.sample;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample application against the local vtgate that {@code scripts/vitess/start.sh}
 * runs: an order written through vtgate's MySQL port shows up in the projection's totals.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "vstream.offset-store=memory", "vstream.heartbeat-interval=1s" })
class SampleApplicationTests {

	private static final Properties vitess = load();

	@Autowired
	OrderProjection projection;

	@Autowired
	VStreamContainer container;

	@DynamicPropertySource
	static void vtgate(DynamicPropertyRegistry registry) {
		registry.add("vstream.vtgate.address",
				() -> vitess.getProperty("VTGATE_HOST") + ":" + vitess.getProperty("VTGATE_GRPC_PORT"));
	}

	@Test
	void orderWrittenThroughVtgateReachesTheProjection() throws SQLException {
		await().atMost(Duration.ofSeconds(60)).until(() -> this.container.getState() == StreamState.STREAMING);
		long customer = ThreadLocalRandom.current().nextLong(1_000_000, Long.MAX_VALUE / 2);
		String url = "jdbc:mariadb://" + vitess.getProperty("VTGATE_HOST") + ":"
				+ vitess.getProperty("VTGATE_MYSQL_PORT") + "/commerce";
		try (Connection connection = DriverManager.getConnection(url, "root", "");
				Statement statement = connection.createStatement()) {
			statement
				.execute("insert into corder (customer_id, sku, price) values (" + customer + ", 'sample-test', 7.25)");
			statement
				.execute("insert into corder (customer_id, sku, price) values (" + customer + ", 'sample-test', 2.75)");
		}
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(this.projection.totals().get(customer))
				.isEqualByComparingTo(new BigDecimal("10.00")));
	}

	private static Properties load() {
		Path file = Path.of(System.getenv().getOrDefault("VSTREAM_VITESS_RUN", "/tmp/vstream-vitess"), "vitess.env");
		Properties properties = new Properties();
		try {
			properties.load(Files.newBufferedReader(file));
		}
		catch (IOException ex) {
			throw new IllegalStateException("No local Vitess (" + file + "): run scripts/vitess/start.sh first", ex);
		}
		return properties;
	}

}
