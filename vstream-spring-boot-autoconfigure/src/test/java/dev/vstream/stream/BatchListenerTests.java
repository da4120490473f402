package dev.vstream.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

import binlogdata.Binlogdata.VEvent;
import dev.vstream.listener.BatchPolicy;
import dev.vstream.listener.ChangeEvent;
import dev.vstream.listener.DefaultVStreamErrorHandler;
import dev.vstream.listener.ErrorRecovery;
import dev.vstream.listener.RowChange;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.offset.JdbcOffsetRepository;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.test.Order;
import dev.vstream.test.RecordingOffsets;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.vtgate.Events;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.Status;
import io.vitess.proto.Vtgate.VStreamResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;
import org.springframework.util.backoff.FixedBackOff;

import static dev.vstream.test.StreamFixture.position;
import static dev.vstream.test.vtgate.Events.begin;
import static dev.vstream.test.vtgate.Events.commit;
import static dev.vstream.test.vtgate.Events.corderFields;
import static dev.vstream.test.vtgate.Events.insert;
import static dev.vstream.test.vtgate.Events.order;
import static dev.vstream.test.vtgate.Events.response;
import static dev.vstream.test.vtgate.Events.vgtid;
import static dev.vstream.test.vtgate.Events.vgtidEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Batch listeners ({@code List<RowChange<T>>} with a {@link BatchPolicy}): changes of
 * whole transactions accumulated across transactions, flushed by size or interval, and a
 * position that never moves past a change still buffered.
 */
class BatchListenerTests {

	private static final Duration LONG = Duration.ofHours(1);

	private final StreamFixture<?> fixture = StreamFixture.inMemory();

	private final ScriptedVtgate vtgate = this.fixture.vtgate();

	private OffsetRepository offsets = this.fixture.offsets();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void batchesFillUpToTheSizeWithWholeTransactions() {
		this.vtgate.thenSend(transaction(1, 2), transaction(3, 4), transaction(5), transaction(6, 7, 8, 9, 10));
		BatchRecorder batches = new BatchRecorder();
		DefaultVStreamContainer container = start(VStreamErrorHandler.stopStream(),
				batchEndpoint(batches, new BatchPolicy(3, LONG)));
		await().until(() -> batches.batches.size() == 3);
		// [1, 2] then [3, 4] would be 4: flushed before. [3, 4] and [5] make 3: flushed.
		// The transaction of five changes is larger than a batch: delivered whole.
		assertThat(batches.orderIds()).containsExactly(List.of(1L, 2L), List.of(3L, 4L, 5L),
				List.of(6L, 7L, 8L, 9L, 10L));
		assertThat(batches.batches.get(1)).extracting(RowChange::position)
			.containsExactly(position(4), position(4), position(5));
		await().until(() -> position(10).equals(container.getSavedPosition()));
	}

	@Test
	void intervalFlushesAnIdleStreamAtVtgatesHeartbeats() {
		this.vtgate.thenSend(transaction(1));
		BatchRecorder batches = new BatchRecorder();
		long sent = System.nanoTime();
		DefaultVStreamContainer container = start(VStreamErrorHandler.stopStream(),
				batchEndpoint(batches, new BatchPolicy(100, Duration.ofMillis(300))));
		// No further transaction: the heartbeats vtgate sends on an idle stream are what
		// the interval is checked on.
		await().until(() -> {
			this.vtgate.send(response(Events.vtgateHeartbeat()));
			return batches.batches.size() == 1;
		});
		assertThat(batches.lastCallNanos.get(0) - sent).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
		assertThat(batches.orderIds()).containsExactly(List.of(1L));
		await().until(() -> position(1).equals(container.getSavedPosition()));
	}

	@Test
	void positionStaysBeforeBufferedChangesAndAReconnectDeliversThemAgain() {
		// Batches of two: [1, 2] is flushed, 3 waits for a second change.
		this.vtgate.thenFail(Status.UNAVAILABLE, transaction(1), transaction(2), transaction(3))
			.thenSend(transaction(3), transaction(4));
		RecordingOffsets recording = new RecordingOffsets();
		this.offsets = recording;
		BatchRecorder batches = new BatchRecorder();
		ChangeRecorder changes = new ChangeRecorder();
		DefaultVStreamContainer container = start(VStreamErrorHandler.stopStream(),
				batchEndpoint(batches, new BatchPolicy(2, LONG)),
				this.fixture.endpoint("single", "corder", changes, "onChange"));
		await().until(() -> this.vtgate.requests().size() == 2);
		// What a crash with 3 buffered leaves: a position before it, for every
		// listener.
		assertThat(this.vtgate.requests().get(1).getVgtid()).isEqualTo(position(2).toVGtid());
		await().until(() -> batches.batches.size() == 2);
		assertThat(batches.orderIds()).as("the buffered change is delivered once, after the reconnect")
			.containsExactly(List.of(1L, 2L), List.of(3L, 4L));
		assertThat(changes.orderIds).as("a listener of single changes gets it again: at least once")
			.containsExactly(1L, 2L, 3L, 3L, 4L);
		await().until(() -> position(4).equals(container.getSavedPosition()));
		assertThat(recording.saved).as("never a position past the buffered change before it was handled")
			.containsExactly(position(2), position(4));
	}

	@Test
	void positionIsTheMinimumThatEveryListenerCovers() {
		this.vtgate.thenSend(transaction(1), transaction(2), transaction(3));
		BatchRecorder small = new BatchRecorder();
		BatchRecorder large = new BatchRecorder();
		ChangeRecorder changes = new ChangeRecorder();
		DefaultVStreamContainer container = start(VStreamErrorHandler.stopStream(),
				this.fixture.endpoint("single", "corder", changes, "onChange"),
				batchEndpoint("small", small, new BatchPolicy(1, LONG)),
				batchEndpoint("large", large, new BatchPolicy(100, LONG)));
		await().until(() -> changes.orderIds.size() == 3);
		// Batches are flushed together: the full one takes the other along, so that the
		// position covers both.
		await().until(() -> small.batches.size() == 3);
		assertThat(large.orderIds()).containsExactly(List.of(1L), List.of(2L), List.of(3L));
		assertThat(container.getPosition()).isEqualTo(position(3));
		container.stop();

		VStreamDeliveryTests.TransactionRecorder perTransaction = new VStreamDeliveryTests.TransactionRecorder();
		BatchRecorder waiting = new BatchRecorder();
		ScriptedVtgate second = new ScriptedVtgate();
		try (StreamFixture<?> other = new StreamFixture<>(second, this.offsets)) {
			second.thenSend(transaction(4), transaction(5));
			DefaultVStreamContainer next = other.start(other.container(settings(), VStreamErrorHandler.stopStream(),
					other.endpoint("tx", "corder", perTransaction, "onTransaction"),
					batchEndpoint("waiting", waiting, new BatchPolicy(100, LONG), other)));
			await().until(() -> perTransaction.transactions.size() == 2);
			assertThat(second.requests().get(0).getVgtid()).isEqualTo(position(3).toVGtid());
			assertThat(next.getPosition()).as("a transaction listener is done, a batch listener is not")
				.isEqualTo(position(3));
			assertThat(this.offsets.load("test")).contains(position(3));
			next.stop();
			assertThat(waiting.orderIds()).as("a graceful stop flushes the batch").containsExactly(List.of(4L, 5L));
			assertThat(this.offsets.load("test")).as("then saves the position that covers it").contains(position(5));
		}
	}

	@Test
	void failedBatchIsRetriedWholeThenDeadLetteredWhole() {
		this.vtgate.thenSend(transaction(1), transaction(2, 3), transaction(4), transaction(5), transaction(6));
		BatchRecorder batches = new BatchRecorder();
		batches.failures.set(2);
		List<ChangeEvent> deadLetters = new CopyOnWriteArrayList<>();
		DefaultVStreamContainer container = start(
				new DefaultVStreamErrorHandler(new FixedBackOff(1, 1), ErrorRecovery.DEAD_LETTER,
						(event, listener, ex) -> deadLetters.add(event)),
				batchEndpoint(batches, new BatchPolicy(3, LONG)));
		await().until(() -> batches.batches.size() == 1);
		assertThat(batches.calls).as("the call and its retry, each with the whole batch")
			.containsExactly(List.of(1L, 2L, 3L), List.of(1L, 2L, 3L), List.of(4L, 5L, 6L));
		assertThat(deadLetters).as("every change of the batch, in order")
			.extracting((e) -> e.after()[0])
			.containsExactly(1L, 2L, 3L);
		await().until(() -> position(6).equals(container.getSavedPosition()));
		assertThat(container.getEndpoints().iterator().next().getStatistics().getFailed()).isEqualTo(3);
	}

	@Test
	void failedBatchStopsTheStreamBeforeItsFirstChange() {
		this.vtgate.thenSend(transaction(1), transaction(2), transaction(3), transaction(4));
		BatchRecorder batches = new BatchRecorder();
		batches.failOn = 3;
		DefaultVStreamContainer container = start(
				new DefaultVStreamErrorHandler(new FixedBackOff(1, 2), ErrorRecovery.STOP, null),
				batchEndpoint(batches, new BatchPolicy(2, LONG)));
		await().until(() -> container.getState() == StreamState.FAILED);
		assertThat(batches.calls).containsExactly(List.of(1L, 2L), List.of(3L, 4L), List.of(3L, 4L), List.of(3L, 4L));
		assertThat(this.offsets.load("test")).contains(position(2));
	}

	@Test
	void listenersWorkCommitsWithThePositionThatCoversIt() {
		DataSource dataSource = new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2)
			.generateUniqueName(true)
			.build();
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		jdbc.execute("create table effect (order_id bigint)");
		JdbcOffsetRepository repository = new JdbcOffsetRepository(jdbc);
		repository.createTableIfMissing();
		this.offsets = repository;
		this.vtgate.thenSend(transaction(1));
		EffectWriter writer = new EffectWriter(jdbc);
		BatchRecorder batches = new BatchRecorder();
		DefaultVStreamContainer container = this.fixture.container(settings(), this.vtgate.channel(), this.offsets,
				List.of(this.fixture.endpoint("writer", "corder", writer, "write"),
						batchEndpoint(batches, new BatchPolicy(2, LONG))),
				VStreamErrorHandler.stopStream());
		container.getContainerOptions().setTransactionManager(new DataSourceTransactionManager(dataSource));
		container.start();
		await().until(() -> writer.calls.get() == 1);
		assertThat(jdbc.queryForObject("select count(*) from effect", Integer.class))
			.as("written, but not committed while the change waits in a batch")
			.isZero();
		this.vtgate.send(transaction(2));
		await().until(() -> position(2).equals(container.getSavedPosition()));
		assertThat(jdbc.queryForObject("select count(*) from effect", Integer.class)).isEqualTo(2);
		assertThat(batches.orderIds()).containsExactly(List.of(1L, 2L));
	}

	/** A transaction on commerce/0 inserting these orders, ending at the last one. */
	private static VStreamResponse transaction(long... orderIds) {
		if (orderIds.length == 1) {
			return Events.transaction(orderIds[0]);
		}
		List<VEvent> events = new ArrayList<>(List.of(begin(), corderFields("commerce", "0")));
		for (long orderId : orderIds) {
			events.add(insert("commerce", "0", "corder", order(orderId)));
		}
		events.add(vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-" + orderIds[orderIds.length - 1])));
		events.add(commit());
		return response(events.toArray(VEvent[]::new));
	}

	private DefaultVStreamContainer start(VStreamErrorHandler errorHandler, VStreamListenerEndpoint... endpoints) {
		DefaultVStreamContainer container = this.fixture.container(settings(), this.vtgate.channel(), this.offsets,
				List.of(endpoints), errorHandler);
		container.start();
		return container;
	}

	private VStreamListenerEndpoint batchEndpoint(BatchRecorder recorder, BatchPolicy policy) {
		return batchEndpoint("batch", recorder, policy);
	}

	private VStreamListenerEndpoint batchEndpoint(String id, BatchRecorder recorder, BatchPolicy policy) {
		return batchEndpoint(id, recorder, policy, this.fixture);
	}

	private static VStreamListenerEndpoint batchEndpoint(String id, BatchRecorder recorder, BatchPolicy policy,
			StreamFixture<?> fixture) {
		VStreamListenerEndpoint endpoint = fixture.endpoint(id, "corder", recorder, "onBatch");
		endpoint.setBatchPolicy(policy);
		return endpoint;
	}

	private static VStreamSettings settings() {
		// No copy phase: see VStreamContainerTests.
		return StreamFixture.settings("commerce", StartPosition.CURRENT, Duration.ZERO);
	}

	static class BatchRecorder {

		final List<List<RowChange<Order>>> batches = new CopyOnWriteArrayList<>();

		final List<List<Long>> calls = new CopyOnWriteArrayList<>();

		final List<Long> lastCallNanos = new CopyOnWriteArrayList<>();

		final AtomicInteger failures = new AtomicInteger();

		volatile long failOn = -1;

		void onBatch(List<RowChange<Order>> changes) {
			this.lastCallNanos.add(System.nanoTime());
			List<Long> ids = changes.stream().map((c) -> c.after().orderId()).toList();
			this.calls.add(ids);
			if (this.failures.getAndDecrement() > 0 || ids.contains(this.failOn)) {
				throw new IllegalStateException("sink failure");
			}
			this.batches.add(changes);
		}

		List<List<Long>> orderIds() {
			return this.batches.stream().map((b) -> b.stream().map((c) -> c.after().orderId()).toList()).toList();
		}

	}

	static class ChangeRecorder {

		final List<Long> orderIds = new CopyOnWriteArrayList<>();

		void onChange(Order order) {
			this.orderIds.add(order.orderId());
		}

	}

	static class EffectWriter {

		final JdbcTemplate jdbc;

		final AtomicInteger calls = new AtomicInteger();

		EffectWriter(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		void write(Order order) {
			this.jdbc.update("insert into effect (order_id) values (?)", order.orderId());
			this.calls.incrementAndGet();
		}

	}

}
