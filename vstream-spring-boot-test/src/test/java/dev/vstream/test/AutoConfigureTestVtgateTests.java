package dev.vstream.test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.vstream.annotation.VStreamDdlListener;
import dev.vstream.annotation.VStreamListener;
import dev.vstream.listener.DdlEvent;
import dev.vstream.listener.Operation;
import dev.vstream.listener.RowChange;
import dev.vstream.mapping.Column;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamReconnectingEvent;
import io.grpc.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link AutoConfigureTestVtgate @AutoConfigureTestVtgate} on a Spring Boot test: the
 * starter streams from the test vtgate, and what the test pushes reaches the listeners.
 */
@SpringBootTest(classes = AutoConfigureTestVtgateTests.Application.class,
		properties = { "vstream.keyspace=commerce", "vstream.reconnect.initial-interval=20ms",
				"vstream.reconnect.jitter=0ms" })
@AutoConfigureTestVtgate
class AutoConfigureTestVtgateTests {

	@Autowired
	TestVtgate vtgate;

	@Autowired
	VStreamContainer stream;

	@Autowired
	Listeners listeners;

	@Autowired
	Environment environment;

	@Autowired
	OffsetRepository offsets;

	TestTable orders;

	@BeforeEach
	void declareOrders() {
		this.orders = this.vtgate.table("commerce", "corder")
			.columns("order_id bigint", "customer_id bigint unsigned", "sku varchar(128)", "price decimal(10,2)");
		VStreamTestUtils.awaitState(this.stream, StreamState.STREAMING);
	}

	@Test
	void pointsTheStarterAtTheTestVtgateWithPositionsInMemory() {
		assertThat(this.environment.getProperty("vstream.vtgate.address")).isEqualTo(this.vtgate.address())
			.startsWith("127.0.0.1:");
		assertThat(this.offsets).isInstanceOf(InMemoryOffsetRepository.class);
		assertThat(this.vtgate.connectedStreams()).isEqualTo(1);
	}

	@Test
	void insertedRowReachesARecordListenerTyped() {
		Commit commit = this.orders
			.insert(Map.of("order_id", 101, "customer_id", 7, "sku", "book", "price", new BigDecimal("7.25")));

		VStreamTestUtils.awaitHandled(this.stream, commit);

		assertThat(this.listeners.orders).contains(new Order(101, 7, "book", new BigDecimal("7.25")));
	}

	@Test
	void objectsAreRowsAndATransactionArrivesTogether() {
		Order before = new Order(201, 8, "pen", new BigDecimal("1.50"));
		Order after = new Order(201, 8, "pen", new BigDecimal("2.00"));
		Commit commit = this.vtgate
			.transaction((tx) -> tx.insert(this.orders, before).update(this.orders, before, after));

		VStreamTestUtils.awaitHandled(this.stream, commit);

		assertThat(this.listeners.changes).anySatisfy((change) -> {
			assertThat(change.op()).isEqualTo(Operation.UPDATE);
			assertThat(change.before()).isEqualTo(before);
			assertThat(change.after()).isEqualTo(after);
		});
		assertThat(commit.keyspace()).isEqualTo("commerce");
		assertThat(commit.shard()).isEqualTo("0");
	}

	@Test
	void columnNamedByColumnAnnotationIsFilledFromAnObject() {
		Commit commit = this.orders.insert(new Renamed(301, 5, "lamp"));

		VStreamTestUtils.awaitHandled(this.stream, commit);

		// price: a column the object does not name is NULL
		assertThat(this.listeners.orders).contains(new Order(301, 5, "lamp", null));
	}

	@Test
	void ddlReachesTheDdlListener() {
		Commit commit = this.vtgate.ddl("commerce", "alter table corder add column note varchar(64)");

		VStreamTestUtils.awaitHandled(this.stream, commit);

		assertThat(this.listeners.ddl).anySatisfy((event) -> {
			assertThat(event.statement()).isEqualTo("alter table corder add column note varchar(64)");
			assertThat(event.keyspace()).isEqualTo("commerce");
		});
	}

	@Test
	void disconnectMakesTheStreamReconnectAndMissNothing() {
		int connects = this.vtgate.connects();

		VStreamTestUtils.awaitReconnect(this.stream, () -> {
			this.vtgate.disconnect();
			// pushed while the stream is away: resent when it is back
			this.orders.insert(Map.of("order_id", 401, "customer_id", 9, "sku", "cup", "price", "3.00"));
		});
		VStreamTestUtils.awaitHandled(this.stream,
				this.orders.insert(Map.of("order_id", 402, "customer_id", 9, "sku", "mug", "price", "4.00")));

		assertThat(this.vtgate.connects()).isGreaterThan(connects);
		assertThat(this.listeners.orders).extracting(Order::orderId).containsSubsequence(401L, 402L);
		assertThat(this.listeners.orders).filteredOn((order) -> order.orderId() == 401).hasSize(1);
	}

	@Test
	void retryableErrorMakesTheStreamReconnect() {
		VStreamTestUtils.awaitReconnect(this.stream,
				() -> this.vtgate.fail(Status.UNAVAILABLE.withDescription("vttablet restarted")));

		// Not getLastError(): the stream clears it once vtgate answers again, which may
		// be
		// before this line runs.
		assertThat(this.listeners.reconnecting).extracting(VStreamReconnectingEvent::getCause)
			.anySatisfy((cause) -> assertThat(cause).hasMessageContaining("vttablet restarted"));
		VStreamTestUtils.awaitHandled(this.stream,
				this.orders.insert(Map.of("order_id", 601, "customer_id", 2, "sku", "jar", "price", "5.00")));
		assertThat(this.listeners.orders).extracting(Order::orderId).contains(601L);
	}

	@Test
	void heartbeatIsTakenAsVtgatesTime() {
		VStreamTestUtils.awaitHandled(this.stream,
				this.orders.insert(Map.of("order_id", 501, "customer_id", 1, "sku", "tea", "price", "1.00")));
		Instant sent = Instant.now().truncatedTo(ChronoUnit.SECONDS);

		this.vtgate.heartbeat();

		await().untilAsserted(() -> assertThat(this.stream.getLastHeartbeatTime()).isAfterOrEqualTo(sent));
	}

	@Test
	void waitThatTimesOutSaysWhatTheStreamIsDoing() {
		Commit elsewhere = this.vtgate.table("customer", "customer")
			.columns("customer_id bigint")
			.insert(Map.of("customer_id", 1));

		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> VStreamTestUtils.awaitHandled(this.stream, elsewhere, Duration.ofMillis(200)))
			.withMessageContaining("Stream 'default' was to handle the change committed at customer/0@")
			.withMessageContaining("but did not within PT0.2S: it is STREAMING at position");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> VStreamTestUtils.awaitState(this.stream, StreamState.PAUSED, Duration.ofMillis(100)))
			.withMessageStartingWith("Stream 'default' was to reach state PAUSED but did not within PT0.1S");
	}

	record Order(long orderId, long customerId, String sku, BigDecimal price) {
	}

	record Renamed(@Column("order_id") long number, long customerId, @Column("sku") String product) {
	}

	static class Listeners {

		final List<Order> orders = new CopyOnWriteArrayList<>();

		final List<RowChange<Order>> changes = new CopyOnWriteArrayList<>();

		final List<DdlEvent> ddl = new CopyOnWriteArrayList<>();

		final List<VStreamReconnectingEvent> reconnecting = new CopyOnWriteArrayList<>();

		@VStreamListener(table = "corder")
		void on(RowChange<Order> change) {
			this.changes.add(change);
			if (change.after() != null) {
				this.orders.add(change.after());
			}
		}

		@VStreamDdlListener
		void on(DdlEvent event) {
			this.ddl.add(event);
		}

		@EventListener
		void on(VStreamReconnectingEvent event) {
			this.reconnecting.add(event);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Listeners.class)
	static class Application {

	}

}
