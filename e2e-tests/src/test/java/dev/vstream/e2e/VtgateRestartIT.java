package dev.vstream.e2e;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.vstream.e2e.E2eApplication.Recorder;
import dev.vstream.listener.Operation;
import dev.vstream.listener.RowChange;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connection failures against the real cluster: vtgate restarted mid-stream (the whole
 * local cluster, keeping its data:
 * {@code scripts/vitess/stop.sh --keep-data && scripts/vitess/start.sh}) loses and
 * repeats nothing, and a stream vtgate refuses for good fails instead of retrying.
 *
 * <p>
 * Runs after every other end-to-end class ({@code junit-platform.properties} orders
 * classes by {@link Order}), so that the restart disturbs none of them.
 */
@Order(Integer.MAX_VALUE)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VtgateRestartIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(120);

	private static final int WRITTEN_DURING_RESTART = 30;

	private final String tag = "restart-" + UUID.randomUUID().toString().substring(0, 8);

	private final InJvmApps apps = new InJvmApps(E2eApplication.class);

	@AfterEach
	void stopApps() {
		this.apps.close();
	}

	@Test
	@Order(1)
	void keyspaceVtgateDoesNotKnowFailsTheStreamWithAClearMessageInsteadOfRetrying() {
		String keyspace = "nope_" + this.tag.substring(8);
		// The start-up check refuses an unknown keyspace before the stream starts
		// (VStreamEndToEndIT); without it, the stream meets vtgate's refusal, which must
		// fail it rather than loop.
		ConfigurableApplicationContext app = start("e2e.order-keyspace=" + keyspace, "vstream.verify-tables=false");
		VStreamContainer container = app.getBean(VStreamContainer.class);
		await().atMost(TIMEOUT).until(() -> container.getState() == StreamState.FAILED);
		// vtgate v0.24.4 answers UNKNOWN "... keyspace <k> fetch error: node doesn't
		// exist: keyspaces/<k>/SrvKeyspace"; asked, it confirms it has no such keyspace
		assertThat(container.getLastError()).hasMessageContaining("does not exist in vtgate")
			.hasMessageContaining("keyspace " + keyspace);
		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(10))
			.until(() -> container.getState() == StreamState.FAILED && container.getReconnects() == 0);
		assertThat(container.isRunning()).isFalse();
	}

	@Test
	@Order(2)
	void vtgateRestartMidStreamLosesAndRepeatsNothing() throws Exception {
		ConfigurableApplicationContext app = start("vstream.start-position=current");
		Recorder recorder = app.getBean(Recorder.class);
		VStreamContainer container = app.getBean(VStreamContainer.class);
		await().atMost(TIMEOUT).until(() -> container.getState() == StreamState.STREAMING);
		for (int i = 0; i < 5; i++) {
			insertOnce("a-" + i);
		}
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(mine(recorder.orders)).hasSize(5));
		long reconnectsBefore = container.getReconnects();

		AtomicInteger written = new AtomicInteger();
		boolean restarted = false;
		long restartStart = System.nanoTime();
		CompletableFuture<Void> writer = BackgroundWriter.start("restart-writer", () -> {
			for (int i = 0; i < WRITTEN_DURING_RESTART; i++) {
				String sku = "b-" + i;
				// vtgate is away for a while: retry until the row is in (once: a retried
				// insert whose first attempt did commit is not repeated)
				await().atMost(TIMEOUT)
					.pollInterval(Duration.ofMillis(200))
					.ignoreExceptions()
					.until(() -> insertOnce(sku));
				written.incrementAndGet();
			}
		});
		try {
			await().atMost(TIMEOUT).until(() -> written.get() >= 5);
			restarted = true;
			run("stop.sh", "--keep-data");
			long stopped = System.nanoTime();
			run("start.sh");
			System.out.println("VtgateRestartIT: cluster stop " + millis(stopped - restartStart) + " ms, start "
					+ millis(System.nanoTime() - stopped) + " ms");
		}
		finally {
			if (restarted) {
				// leave the cluster running for whoever comes next, whatever happened
				run("start.sh");
			}
		}
		assertThat(writer).succeedsWithin(TIMEOUT);
		for (int i = 0; i < 5; i++) {
			insertOnce("c-" + i);
		}

		List<String> expected = committedSkus();
		assertThat(expected).hasSize(5 + WRITTEN_DURING_RESTART + 5);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(mine(recorder.orders)).hasSize(expected.size()));
		System.out.println("VtgateRestartIT: all changes back " + millis(System.nanoTime() - restartStart)
				+ " ms after the restart began; reconnects " + (container.getReconnects() - reconnectsBefore));
		// every change exactly once (each insert is its own transaction), in commit order
		assertThat(mine(recorder.orders)).extracting((c) -> c.after().sku()).containsExactlyElementsOf(expected);
		assertThat(mine(recorder.orders)).allSatisfy((c) -> assertThat(c.op()).isEqualTo(Operation.INSERT));
		assertThat(container.getReconnects()).isGreaterThan(reconnectsBefore);
		assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
		assertThat(container.getLastError()).isNull();
		// and still live: a change after all that arrives too
		insertOnce("d-0");
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(mine(recorder.orders)).last()
				.satisfies((c) -> assertThat(c.after().sku()).isEqualTo(this.tag + "-d-0")));
	}

	/** Insert the order unless a previous attempt did; {@code true} once it is in. */
	private boolean insertOnce(String suffix) throws SQLException {
		String sku = this.tag + "-" + suffix;
		try (Connection connection = LocalVitess.vtgate("commerce")) {
			try (PreparedStatement exists = connection.prepareStatement("select count(*) from corder where sku = ?")) {
				exists.setString(1, sku);
				try (ResultSet rows = exists.executeQuery()) {
					rows.next();
					if (rows.getLong(1) > 0) {
						return true;
					}
				}
			}
			try (PreparedStatement insert = connection
				.prepareStatement("insert into corder (customer_id, sku, price) values (500, ?, 5.00)")) {
				insert.setString(1, sku);
				insert.executeUpdate();
			}
		}
		return true;
	}

	private List<String> committedSkus() throws SQLException {
		List<String> skus = new ArrayList<>();
		try (Connection connection = LocalVitess.vtgate("commerce");
				PreparedStatement select = connection
					.prepareStatement("select sku from corder where sku like ? order by order_id")) {
			select.setString(1, this.tag + "-%");
			try (ResultSet rows = select.executeQuery()) {
				while (rows.next()) {
					skus.add(rows.getString(1));
				}
			}
		}
		return skus;
	}

	/** Run a script of scripts/vitess, bounded, its output in target/. */
	private static void run(String script, String... args) throws IOException, InterruptedException {
		ProjectScripts.run("vitess/" + script, Map.of(), "vtgate-restart-" + script + ".log", args);
	}

	private static long millis(long nanos) {
		return TimeUnit.NANOSECONDS.toMillis(nanos);
	}

	private List<RowChange<E2eApplication.Order>> mine(List<RowChange<E2eApplication.Order>> changes) {
		return changes.stream()
			.filter((c) -> c.row().sku() != null && c.row().sku().startsWith(this.tag + "-"))
			.toList();
	}

	private ConfigurableApplicationContext start(String... properties) {
		List<String> all = new ArrayList<>(List.of("vstream.offset-store=memory",
				"vstream.reconnect.initial-interval=200ms", "vstream.reconnect.max-interval=1s"));
		all.addAll(List.of(properties));
		return this.apps.start(this.tag, all);
	}

}
