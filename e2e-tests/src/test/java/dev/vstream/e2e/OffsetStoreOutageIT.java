package dev.vstream.e2e;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.vstream.actuate.VStreamHealthIndicator;
import dev.vstream.e2e.E2eApplication.Recorder;
import dev.vstream.listener.RowChange;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.stream.OffsetStoreUnavailableException;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The offset store goes down under a streaming application and comes back: a private
 * Redis, PostgreSQL or MariaDB server (started with the project's own scripts in a
 * directory and on a port of their own, so that the shared servers are not touched) is
 * stopped mid-stream and started again. The outage shows at once (state, last error),
 * health goes DOWN after the timeout, nothing is taken from vtgate meanwhile, and the
 * stream carries on by itself: every order committed is received once.
 */
class OffsetStoreOutageIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(90);

	private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(3);

	private final String tag = "outage-" + UUID.randomUUID().toString().substring(0, 8);

	private final InJvmApps apps = new InJvmApps(E2eApplication.class);

	private Store store;

	enum Store {

		REDIS("redis.sh", "VSTREAM_REDIS_PORT", 16391),

		POSTGRESQL("postgres.sh", "VSTREAM_POSTGRES_PORT", 15441),

		MARIADB("mariadb.sh", "VSTREAM_MARIADB_PORT", 13391);

		final String script;

		final String portVariable;

		final int port;

		Store(String script, String portVariable, int port) {
			this.script = script;
			this.portVariable = portVariable;
			this.port = port;
		}

		List<String> properties() {
			return switch (this) {
				case REDIS -> List.of("vstream.offset-store=redis", "spring.data.redis.host=127.0.0.1",
						"spring.data.redis.port=" + this.port, "spring.data.redis.timeout=1s",
						"spring.data.redis.connect-timeout=1s");
				case POSTGRESQL -> jdbc("jdbc:postgresql://127.0.0.1:" + this.port + "/vstream?connectTimeout=1");
				case MARIADB -> jdbc("jdbc:mariadb://127.0.0.1:" + this.port + "/vstream?connectTimeout=1000");
			};
		}

		private static List<String> jdbc(String url) {
			return List.of("vstream.offset-store=jdbc", "spring.datasource.url=" + url,
					"spring.datasource.username=vstream", "spring.datasource.password=vstream",
					"spring.datasource.hikari.connection-timeout=1000",
					"spring.datasource.hikari.initialization-fail-timeout=10000");
		}

	}

	@AfterEach
	void stopAll() throws Exception {
		this.apps.close();
		if (this.store != null) {
			service(this.store, "stop");
		}
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void storeStoppedAndStartedMidStreamIsShownAndLosesNothing(Store store) throws Exception {
		this.store = store;
		service(store, "start");
		ConfigurableApplicationContext app = start(store);
		VStreamContainer container = app.getBean(VStreamContainer.class);
		Recorder recorder = app.getBean(Recorder.class);
		OffsetRepository offsets = app.getBean(OffsetRepository.class);
		await().atMost(TIMEOUT).until(() -> container.getState() == StreamState.STREAMING);
		insert("a-0");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(mine(recorder)).containsExactly("a-0"));
		await().atMost(TIMEOUT).until(() -> offsets.load(this.tag).isPresent());

		service(store, "stop");
		long stopped = System.nanoTime();
		insert("b-0");
		await().atMost(TIMEOUT).until(() -> container.getState() == StreamState.STORE_UNAVAILABLE);
		long shown = System.nanoTime();
		// A save may first hang for the client's timeout (shown as unavailable after a
		// second), then fail.
		await().atMost(TIMEOUT)
			.untilAsserted(
					() -> assertThat(container.getLastError()).isInstanceOf(OffsetStoreUnavailableException.class)
						.hasMessageContaining("Stream '" + this.tag + "' could not"));
		assertThat(container.isRunning()).isTrue();
		VStreamHealthIndicator health = new VStreamHealthIndicator(container, HEALTH_TIMEOUT);
		await().atMost(TIMEOUT).until(() -> "DOWN".equals(health.health().getStatus().getCode()));
		assertThat(health.health().getDetails()).containsEntry("state", "STORE_UNAVAILABLE")
			.containsKey("offsetStoreUnavailableSince");
		long handledDuringOutage = container.getChangesHandled();
		insert("b-1");

		service(store, "start");
		long restarted = System.nanoTime();
		insert("c-0");
		await().atMost(TIMEOUT)
			.untilAsserted(
					() -> assertThat(mine(recorder).stream().distinct()).containsExactly("a-0", "b-0", "b-1", "c-0"));
		if (store == Store.REDIS) {
			// Handled changes stay handled: the position is saved once Redis is back,
			// nothing repeats.
			assertThat(mine(recorder)).containsExactly("a-0", "b-0", "b-1", "c-0");
		}
		else {
			// The listeners' work shares the failed save's transaction: it was rolled
			// back, and the change is delivered again (the in-memory recorder sees both
			// calls, a database one).
			assertThat(mine(recorder)).containsSubsequence("a-0", "b-0", "b-1", "c-0");
			assertThat(mine(recorder)).filteredOn((sku) -> !sku.startsWith("b-")).containsExactly("a-0", "c-0");
		}
		await().atMost(TIMEOUT).until(() -> container.getState() == StreamState.STREAMING);
		long back = System.nanoTime();
		assertThat(container.getLastError()).isNull();
		assertThat(container.getChangesHandled()).isGreaterThanOrEqualTo(handledDuringOutage);
		await().atMost(TIMEOUT).until(() -> "UP".equals(health.health().getStatus().getCode()));
		await().atMost(TIMEOUT).until(() -> offsets.load(this.tag).equals(Optional.of(container.getPosition())));
		System.out.println("OffsetStoreOutageIT " + store + ": STORE_UNAVAILABLE " + millis(shown - stopped)
				+ " ms after the stop; all changes delivered and STREAMING " + millis(back - restarted)
				+ " ms after the restart");
	}

	private List<String> mine(Recorder recorder) {
		return recorder.orders.stream()
			.map(RowChange::row)
			.map(E2eApplication.Order::sku)
			.filter((sku) -> sku != null && sku.startsWith(this.tag + "-"))
			.map((sku) -> sku.substring(this.tag.length() + 1))
			.toList();
	}

	private void insert(String suffix) throws Exception {
		try (Connection connection = LocalVitess.vtgate("commerce");
				PreparedStatement insert = connection
					.prepareStatement("insert into corder (customer_id, sku, price) values (501, ?, 5.00)")) {
			insert.setString(1, this.tag + "-" + suffix);
			insert.executeUpdate();
		}
	}

	private ConfigurableApplicationContext start(Store store) {
		List<String> all = new ArrayList<>(List.of("vstream.start-position=current",
				"vstream.reconnect.initial-interval=200ms", "vstream.reconnect.max-interval=1s"));
		all.addAll(store.properties());
		return this.apps.start(this.tag, all);
	}

	/**
	 * Start or stop the private server with the project's script, bounded, its output in
	 * target/.
	 */
	private static void service(Store store, String action) throws IOException, InterruptedException {
		ProjectScripts.run("services/" + store.script, Map.of("VSTREAM_SERVICES_DIR", "/tmp/vstream-services-outage",
				store.portVariable, String.valueOf(store.port)), "outage-" + store.script + ".log", action);
	}

	private static long millis(long nanos) {
		return TimeUnit.NANOSECONDS.toMillis(nanos);
	}

}
