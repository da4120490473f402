package dev.vstream.e2e;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import dev.vstream.e2e.E2eApplication.Customer;
import dev.vstream.e2e.E2eApplication.Order;
import dev.vstream.e2e.E2eApplication.Recorder;
import dev.vstream.listener.Operation;
import dev.vstream.listener.RowChange;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.ShardPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The starter against a real vtgate (scripts/vitess/start.sh): copy phase, live changes,
 * both shards of a sharded keyspace, and resuming from positions saved in real
 * PostgreSQL, MariaDB and Redis servers.
 */
class VStreamEndToEndIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final String tag = "e2e-" + UUID.randomUUID().toString().substring(0, 8);

	private final InJvmApps apps = new InJvmApps(E2eApplication.class);

	@AfterEach
	void stopApps() {
		this.apps.close();
	}

	@Test
	void existingRowsArriveFirstThenLiveInsertsUpdatesAndDeletes() {
		for (int i = 0; i < 3; i++) {
			LocalVitess.execute("commerce", "insert into corder (customer_id, sku, price) values (" + (100 + i) + ", '"
					+ this.tag + "-pre-" + i + "', " + (10 + i) + ".25)");
		}
		ConfigurableApplicationContext app = start("copy", "vstream.offset-store=memory",
				"vstream.start-position=copy");
		Recorder recorder = app.getBean(Recorder.class);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(mine(recorder.orders)).hasSize(3));
		assertThat(mine(recorder.orders)).allSatisfy((change) -> {
			assertThat(change.op()).isEqualTo(Operation.INSERT);
			assertThat(change.before()).isNull();
			assertThat(change.keyspace()).isEqualTo("commerce");
			assertThat(change.table()).isEqualTo("corder");
			assertThat(change.commitTime()).as("copied rows have no binlog time").isNull();
		});
		assertThat(mine(recorder.orders)).extracting((c) -> c.after().price())
			.containsExactly(new BigDecimal("10.25"), new BigDecimal("11.25"), new BigDecimal("12.25"));

		LocalVitess.execute("commerce",
				"insert into corder (customer_id, sku, price) values (200, '" + this.tag + "-live', 99.99)",
				"update corder set price = 100.01 where sku = '" + this.tag + "-live'",
				"delete from corder where sku = '" + this.tag + "-pre-1'");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(mine(recorder.orders)).hasSize(6));
		List<RowChange<Order>> changes = mine(recorder.orders);
		RowChange<Order> insert = changes.get(3);
		assertThat(insert.op()).isEqualTo(Operation.INSERT);
		assertThat(insert.after().sku()).isEqualTo(this.tag + "-live");
		assertThat(insert.after().customerId()).isEqualTo(200);
		assertThat(insert.after().price()).isEqualByComparingTo("99.99");
		assertThat(insert.commitTime()).isBetween(Instant.now().minusSeconds(120), Instant.now());
		RowChange<Order> update = changes.get(4);
		assertThat(update.op()).isEqualTo(Operation.UPDATE);
		assertThat(update.before().price()).isEqualByComparingTo("99.99");
		assertThat(update.after().price()).isEqualByComparingTo("100.01");
		assertThat(update.after().orderId()).isEqualTo(insert.after().orderId());
		RowChange<Order> delete = changes.get(5);
		assertThat(delete.op()).isEqualTo(Operation.DELETE);
		assertThat(delete.after()).isNull();
		assertThat(delete.before().sku()).isEqualTo(this.tag + "-pre-1");
		assertThat(delete.position()).isNotNull();
		VStreamContainer container = app.getBean(VStreamContainer.class);
		await().atMost(TIMEOUT).until(() -> container.getState() == StreamState.STREAMING);
		assertThat(container.getPosition().isCopying()).isFalse();
	}

	@Test
	void bothShardsOfTheShardedKeyspaceStreamAndThePositionListsBoth() {
		ConfigurableApplicationContext app = start("sharded", "vstream.offset-store=jdbc",
				"spring.datasource.url=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_URL"),
				"spring.datasource.username=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_USER"),
				"spring.datasource.password=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_PASSWORD"));
		Recorder recorder = app.getBean(Recorder.class);
		awaitConnected(app);
		long base = ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000_000L);
		for (int i = 0; i < 16; i++) {
			LocalVitess.execute("customer", "insert into customer (customer_id, email) values (" + (base + i) + ", '"
					+ this.tag + "-" + i + "@example.com')");
		}
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(myCustomers(recorder.customers)).hasSize(16));
		assertThat(myCustomers(recorder.customers)).extracting(RowChange::shard)
			.containsOnly("-80", "80-")
			.contains("-80", "80-");
		assertThat(myCustomers(recorder.customers)).allSatisfy((c) -> {
			assertThat(c.op()).isEqualTo(Operation.INSERT);
			assertThat(c.after().getCustomerId()).isBetween(base, base + 15);
		});
		StreamPosition saved = await().atMost(TIMEOUT)
			.until(() -> app.getBean(OffsetRepository.class).load(streamId("sharded")).orElse(null),
					(p) -> p != null && shardsOf(p, "customer").equals(Set.of("-80", "80-")));
		assertThat(shardsOf(saved, "commerce")).isNotEmpty();
		assertThat(saved.shards()).allSatisfy((s) -> assertThat(s.gtid()).isNotBlank());
	}

	@Test
	void aSavePutOffByTheMinIntervalIsMadeThoughNothingElseArrives() {
		// Redis: no listeners' transaction, so the min interval applies; 8 s so that the
		// five changes are handled well within it.
		ConfigurableApplicationContext app = start("put-off", "vstream.offset-store=redis",
				"spring.data.redis.host=" + LocalVitess.get("VSTREAM_TEST_REDIS_HOST"),
				"spring.data.redis.port=" + LocalVitess.get("VSTREAM_TEST_REDIS_PORT"),
				"vstream.checkpoint.group.min-interval=8s");
		awaitConnected(app);
		VStreamContainer container = app.getBean(VStreamContainer.class);
		OffsetRepository offsets = app.getBean(OffsetRepository.class);
		insertOrders("p", 5);
		Recorder recorder = app.getBean(Recorder.class);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(mine(recorder.orders)).hasSize(5));
		StreamPosition handled = container.getPosition();
		assertThat(offsets.load(streamId("put-off"))).as("within the min interval: put off")
			.isNotEqualTo(Optional.of(handled));
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(offsets.load(streamId("put-off"))).as("saved when its time came")
				.contains(container.getPosition()));
		assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
	}

	@ParameterizedTest
	@ValueSource(strings = { "postgres", "mariadb", "redis" })
	void changesCommittedWhileStoppedArriveAfterRestartAndNothingTwice(String store) {
		String[] storeProperties = switch (store) {
			case "postgres" -> new String[] { "vstream.offset-store=jdbc",
					"spring.datasource.url=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_URL"),
					"spring.datasource.username=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_USER"),
					"spring.datasource.password=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_PASSWORD") };
			case "mariadb" -> new String[] { "vstream.offset-store=jdbc",
					"spring.datasource.url=" + LocalVitess.get("VSTREAM_TEST_MARIADB_URL"),
					"spring.datasource.username=" + LocalVitess.get("VSTREAM_TEST_MARIADB_USER"),
					"spring.datasource.password=" + LocalVitess.get("VSTREAM_TEST_MARIADB_PASSWORD") };
			default -> new String[] { "vstream.offset-store=redis",
					"spring.data.redis.host=" + LocalVitess.get("VSTREAM_TEST_REDIS_HOST"),
					"spring.data.redis.port=" + LocalVitess.get("VSTREAM_TEST_REDIS_PORT") };
		};
		String stream = "restart-" + store;
		ConfigurableApplicationContext first = start(stream, concat(storeProperties, "vstream.start-position=copy"));
		awaitConnected(first);
		insertOrders("a", 5);
		Recorder firstRecorder = first.getBean(Recorder.class);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(mine(firstRecorder.orders)).hasSize(5));
		first.close();

		insertOrders("b", 5);
		LocalVitess.execute("commerce", "update corder set price = 1.00 where sku = '" + this.tag + "-a-0'",
				"delete from corder where sku = '" + this.tag + "-a-1'");

		ConfigurableApplicationContext second = start(stream, concat(storeProperties, "vstream.start-position=copy"));
		Recorder secondRecorder = second.getBean(Recorder.class);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(mine(secondRecorder.orders)).hasSize(7));
		List<RowChange<Order>> resumed = mine(secondRecorder.orders);
		assertThat(resumed.subList(0, 5)).allSatisfy((c) -> assertThat(c.op()).isEqualTo(Operation.INSERT))
			.extracting((c) -> c.after().sku())
			.containsExactly(skus("b", 5));
		assertThat(resumed.get(5).op()).isEqualTo(Operation.UPDATE);
		assertThat(resumed.get(5).after().sku()).isEqualTo(this.tag + "-a-0");
		assertThat(resumed.get(6).op()).isEqualTo(Operation.DELETE);
		assertThat(resumed.get(6).before().sku()).isEqualTo(this.tag + "-a-1");
		// nothing from before the saved position arrives again
		assertThat(resumed).noneMatch((c) -> c.op() == Operation.INSERT && c.after().sku().contains("-a-"));
	}

	@Test
	void listenerOfATableTheKeyspaceDoesNotHaveFailsStartUpNamingIt() {
		assertThatThrownBy(() -> start("typo", "vstream.offset-store=memory", "e2e.order-table=cordr"))
			.hasStackTraceContaining("Listener 'recorder.order' listens to table 'cordr'")
			.hasStackTraceContaining("keyspace 'commerce'")
			.hasStackTraceContaining("corder");
	}

	@Test
	void listenerOfAKeyspaceVtgateDoesNotKnowFailsStartUpNamingIt() {
		String keyspace = "nosuchks_" + this.tag.replace('-', '_');
		assertThatThrownBy(
				() -> start("unknown-keyspace", "vstream.offset-store=memory", "e2e.order-keyspace=" + keyspace))
			.hasStackTraceContaining("Keyspace '" + keyspace + "', streamed by listener 'recorder.order'")
			.hasStackTraceContaining("does not exist in vtgate");
	}

	private void insertOrders(String batch, int count) {
		String[] statements = new String[count];
		for (int i = 0; i < count; i++) {
			statements[i] = "insert into corder (customer_id, sku, price) values (" + (300 + i) + ", '" + this.tag + "-"
					+ batch + "-" + i + "', " + i + ".50)";
		}
		LocalVitess.execute("commerce", statements);
	}

	private String[] skus(String batch, int count) {
		String[] skus = new String[count];
		for (int i = 0; i < count; i++) {
			skus[i] = this.tag + "-" + batch + "-" + i;
		}
		return skus;
	}

	/**
	 * Wait until the copy phase is over: from then on every shard streams from a known
	 * position, so a row written now is a live change (one written earlier may only show
	 * up folded into a copy).
	 */
	private void awaitConnected(ConfigurableApplicationContext app) {
		VStreamContainer container = app.getBean(VStreamContainer.class);
		await().atMost(TIMEOUT).until(() -> container.getState() == StreamState.STREAMING);
		assertThat(container.getPosition()).isNotNull();
		assertThat(container.getPosition().isCopying()).isFalse();
	}

	private ConfigurableApplicationContext start(String stream, String... properties) {
		List<String> all = new ArrayList<>(List.of("vstream.reconnect.initial-interval=200ms"));
		all.addAll(List.of(properties));
		return this.apps.start(streamId(stream), all);
	}

	private String streamId(String stream) {
		return stream + "-" + this.tag;
	}

	private List<RowChange<Order>> mine(List<RowChange<Order>> changes) {
		return changes.stream().filter((c) -> {
			String sku = ((c.after() != null) ? c.after() : c.before()).sku();
			return sku != null && sku.startsWith(this.tag);
		}).toList();
	}

	private List<RowChange<Customer>> myCustomers(List<RowChange<Customer>> changes) {
		return changes.stream().filter((c) -> {
			String email = ((c.after() != null) ? c.after() : c.before()).getEmail();
			return email != null && email.startsWith(this.tag);
		}).toList();
	}

	private static Set<String> shardsOf(StreamPosition position, String keyspace) {
		return position.shards()
			.stream()
			.filter((s) -> s.keyspace().equals(keyspace))
			.map(ShardPosition::shard)
			.collect(Collectors.toSet());
	}

	private static String[] concat(String[] first, String... more) {
		List<String> all = new ArrayList<>(List.of(first));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

}
