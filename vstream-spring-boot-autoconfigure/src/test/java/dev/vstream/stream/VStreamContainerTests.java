package dev.vstream.stream;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import binlogdata.Binlogdata.VGtid;
import dev.vstream.listener.ListenerMethodAdapter;
import dev.vstream.listener.Operation;
import dev.vstream.listener.RowChange;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.test.Order;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.vtgate.Events;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.Status;
import io.vitess.proto.Topodata.TabletType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.util.ReflectionUtils;
import org.springframework.util.backoff.FixedBackOff;

import static dev.vstream.test.vtgate.Events.begin;
import static dev.vstream.test.vtgate.Events.commit;
import static dev.vstream.test.vtgate.Events.copyCompleted;
import static dev.vstream.test.vtgate.Events.corderFields;
import static dev.vstream.test.vtgate.Events.delete;
import static dev.vstream.test.vtgate.Events.insert;
import static dev.vstream.test.vtgate.Events.response;
import static dev.vstream.test.vtgate.Events.row;
import static dev.vstream.test.vtgate.Events.update;
import static dev.vstream.test.vtgate.Events.vgtid;
import static dev.vstream.test.vtgate.Events.vgtidEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class VStreamContainerTests {

	private final StreamFixture<InMemoryOffsetRepository> fixture = StreamFixture.inMemory();

	private final ScriptedVtgate vtgate = this.fixture.vtgate();

	private final InMemoryOffsetRepository offsets = this.fixture.offsets();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void deliversTypedInsertUpdateAndDeleteAndSavesThePositionAfterTheTransaction() {
		VGtid afterTx = vgtid("commerce", "0", "MySQL56/a1b2:1-10");
		this.vtgate.thenSend(
				response(begin(), corderFields("commerce", "0"),
						insert("commerce", "0", "corder", row(1, 7, "apple", "1.50")),
						update("commerce", "0", "corder", row(1, 7, "apple", "1.50"), row(1, 7, "apple", "2.25")),
						delete("commerce", "0", "corder", row(1, 7, "apple", "2.25")), vgtidEvent(afterTx), commit()),
				response(copyCompleted()));
		OrderListener listener = new OrderListener();
		VStreamContainer container = start(endpoint("orders", listener, "onChange"));

		await().untilAsserted(() -> assertThat(listener.changes).hasSize(3));
		RowChange<Order> inserted = listener.changes.get(0);
		assertThat(inserted.op()).isEqualTo(Operation.INSERT);
		assertThat(inserted.before()).isNull();
		assertThat(inserted.after()).isEqualTo(new Order(1, 7, "apple", new BigDecimal("1.50")));
		assertThat(inserted.keyspace()).isEqualTo("commerce");
		assertThat(inserted.shard()).isEqualTo("0");
		assertThat(inserted.table()).isEqualTo("corder");
		assertThat(inserted.commitTime()).isEqualTo(Instant.ofEpochSecond(Events.TIMESTAMP));
		assertThat(inserted.position()).isEqualTo(StreamPosition.of(afterTx));
		RowChange<Order> updated = listener.changes.get(1);
		assertThat(updated.op()).isEqualTo(Operation.UPDATE);
		assertThat(updated.before().price()).isEqualByComparingTo("1.50");
		assertThat(updated.after().price()).isEqualByComparingTo("2.25");
		RowChange<Order> deleted = listener.changes.get(2);
		assertThat(deleted.op()).isEqualTo(Operation.DELETE);
		assertThat(deleted.after()).isNull();
		assertThat(deleted.row().sku()).isEqualTo("apple");
		await().untilAsserted(() -> assertThat(this.offsets.load("test")).contains(StreamPosition.of(afterTx)));
		assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
	}

	@Test
	void firstRequestCopiesEachListenedKeyspaceWithOneRulePerTable() {
		OrderListener listener = new OrderListener();
		start(StartPosition.COPY, List.of(endpoint("orders", listener, "onChange")), VStreamErrorHandler.stopStream());
		await().until(() -> !this.vtgate.requests().isEmpty());
		var request = this.vtgate.requests().get(0);
		assertThat(request.getTabletType()).isEqualTo(TabletType.PRIMARY);
		assertThat(request.getVgtid().getShardGtidsList()).singleElement().satisfies((sg) -> {
			assertThat(sg.getKeyspace()).isEqualTo("commerce");
			assertThat(sg.getShard()).isEmpty();
			assertThat(sg.getGtid()).isEmpty();
		});
		assertThat(request.getFilter().getRulesList()).singleElement().satisfies((rule) -> {
			assertThat(rule.getMatch()).isEqualTo("corder");
			assertThat(rule.getFilter()).isEqualTo("select * from `corder`");
		});
		assertThat(request.getFlags().getHeartbeatInterval()).isEqualTo(5);
		assertThat(request.getFlags().getTablesToCopyList()).isEmpty();
	}

	@Test
	void restartSendsTheSavedPositionBack() {
		VGtid saved = vgtid("commerce", "0", "MariaDB/0-1-42");
		this.offsets.save("test", StreamPosition.of(saved));
		start(endpoint("orders", new OrderListener(), "onChange"));
		await().until(() -> !this.vtgate.requests().isEmpty());
		assertThat(this.vtgate.requests().get(0).getVgtid()).isEqualTo(saved);
	}

	@Test
	void brokenStreamIsResumedFromTheLastHandledTransactionWithoutLoss() {
		VGtid first = vgtid("commerce", "0", "MySQL56/a1b2:1-10");
		VGtid second = vgtid("commerce", "0", "MySQL56/a1b2:1-11");
		this.vtgate
			.thenFail(Status.UNAVAILABLE.withDescription("vtgate restarting"),
					response(begin(), corderFields("commerce", "0"),
							insert("commerce", "0", "corder", row(1, 7, "apple", "1.50")), vgtidEvent(first), commit()),
					// a transaction cut off before its COMMIT: must be delivered again
					// after the reconnect
					response(begin(), insert("commerce", "0", "corder", row(2, 7, "pear", "3.00"))))
			.thenSend(response(begin(), corderFields("commerce", "0"),
					insert("commerce", "0", "corder", row(2, 7, "pear", "3.00")), vgtidEvent(second), commit()));
		OrderListener listener = new OrderListener();
		VStreamContainer container = start(endpoint("orders", listener, "onChange"));

		await().untilAsserted(() -> assertThat(this.offsets.load("test")).contains(StreamPosition.of(second)));
		assertThat(this.vtgate.requests()).hasSize(2);
		assertThat(this.vtgate.requests().get(1).getVgtid()).isEqualTo(first);
		assertThat(listener.changes).extracting((c) -> c.after().orderId()).containsExactly(1L, 2L, 2L);
		assertThat(container.getReconnects()).isEqualTo(1);
		assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
	}

	@Test
	void streamEndedByVtgateIsReconnected() {
		VGtid first = vgtid("commerce", "0", "MySQL56/a1b2:1-10");
		this.vtgate.thenComplete(response(begin(), corderFields("commerce", "0"),
				insert("commerce", "0", "corder", row(1, 7, "apple", "1.50")), vgtidEvent(first), commit()));
		VStreamContainer container = start(endpoint("orders", new OrderListener(), "onChange"));
		await().until(() -> this.vtgate.requests().size() == 2);
		assertThat(this.vtgate.requests().get(1).getVgtid()).isEqualTo(first);
		assertThat(container.getReconnects()).isEqualTo(1);
	}

	@Test
	void permanentErrorFailsTheStreamWithoutRetrying() {
		this.vtgate.thenFail(Status.INVALID_ARGUMENT.withDescription("keyspace nope not found"));
		VStreamContainer container = start(endpoint("orders", new OrderListener(), "onChange"));
		await().until(() -> container.getState() == StreamState.FAILED);
		assertThat(container.getLastError()).hasMessageContaining("keyspace nope not found");
		assertThat(this.vtgate.requests()).hasSize(1);
		assertThat(container.isRunning()).isFalse();
	}

	@Test
	void failingListenerStopsTheStreamWithoutAdvancingThePosition() {
		VGtid before = vgtid("commerce", "0", "MySQL56/a1b2:1-9");
		this.offsets.save("test", StreamPosition.of(before));
		this.vtgate.thenSend(response(begin(), corderFields("commerce", "0"),
				insert("commerce", "0", "corder", row(1, 7, "apple", "1.50")),
				vgtidEvent(vgtid("commerce", "0", "MySQL56/a1b2:1-10")), commit()));
		VStreamContainer container = start(endpoint("orders", new OrderListener(), "fail"));
		await().until(() -> container.getState() == StreamState.FAILED);
		assertThat(container.getLastError()).hasMessageContaining("OrderListener.fail").hasRootCauseMessage("boom");
		assertThat(this.offsets.load("test")).contains(StreamPosition.of(before));
		assertThat(container.getPosition()).isEqualTo(StreamPosition.of(before));
	}

	@Test
	void rowThatCannotBeMappedGoesToTheErrorHandler() {
		List<RuntimeException> errors = new CopyOnWriteArrayList<>();
		this.vtgate.thenSend(response(begin(), corderFields("commerce", "0"),
				insert("commerce", "0", "corder", row("not-a-number", 7, "apple", "1.50")),
				insert("commerce", "0", "corder", row(2, 7, "pear", "1.50")),
				vgtidEvent(vgtid("commerce", "0", "MySQL56/a1b2:1-10")), commit()));
		OrderListener listener = new OrderListener();
		VStreamContainer container = start(List.of(endpoint("orders", listener, "onChange")),
				(ex, event, endpoint, retry) -> errors.add(ex));
		await().untilAsserted(() -> assertThat(listener.changes).hasSize(1));
		assertThat(errors).singleElement().satisfies((ex) -> assertThat(ex).hasMessageContaining("corder"));
		assertThat(container.getChangesFailed()).isEqualTo(1);
	}

	@Test
	void copyPhaseEndsWithCopyCompleted() {
		VGtid copying = VGtid.newBuilder()
			.addShardGtids(binlogdata.Binlogdata.ShardGtid.newBuilder()
				.setKeyspace("commerce")
				.setShard("0")
				.setGtid("MySQL56/a1b2:1-5")
				.addTablePKs(binlogdata.Binlogdata.TableLastPK.newBuilder().setTableName("corder")))
			.build();
		VGtid done = vgtid("commerce", "0", "MySQL56/a1b2:1-5");
		this.vtgate.thenSend(response(begin(), corderFields("commerce", "0"),
				insert("commerce", "0", "corder", row(1, 7, "apple", "1.50")).toBuilder().setTimestamp(0).build(),
				vgtidEvent(copying), commit()), response(vgtidEvent(done), copyCompleted()));
		OrderListener listener = new OrderListener();
		VStreamContainer container = start(endpoint("orders", listener, "onChange"));
		await().untilAsserted(() -> assertThat(this.offsets.load("test")).contains(StreamPosition.of(done)));
		assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
		assertThat(listener.changes).singleElement().satisfies((copied) -> assertThat(copied.commitTime()).isNull());
		// a copied row says nothing about how far behind the stream is
		assertThat(container.getLastCommitTime()).isNull();
	}

	@Test
	void listenerFilteredByOperationOnlyGetsThoseChanges() {
		this.vtgate.thenSend(response(begin(), corderFields("commerce", "0"),
				insert("commerce", "0", "corder", row(1, 7, "apple", "1.50")),
				delete("commerce", "0", "corder", row(1, 7, "apple", "1.50")),
				vgtidEvent(vgtid("commerce", "0", "MySQL56/a1b2:1-10")), commit()));
		OrderListener listener = new OrderListener();
		VStreamListenerEndpoint deletes = new VStreamListenerEndpoint("gone", "", "corder", Set.of(Operation.DELETE),
				true, new ListenerMethodAdapter(listener,
						ReflectionUtils.findMethod(OrderListener.class, "gone", Order.class), this.fixture.mappers()));
		VStreamContainer container = start(deletes);
		await().untilAsserted(() -> assertThat(listener.gone).hasSize(1));
		assertThat(listener.gone.get(0).orderId()).isEqualTo(1L);
		await().until(() -> container.getPosition() != null);
		assertThat(listener.gone).hasSize(1);
	}

	@Test
	void stopFinishesTheTransactionInHandAndSavesItsPosition() throws Exception {
		VGtid reached = vgtid("commerce", "0", "MySQL56/a1b2:1-10");
		this.vtgate.thenSend(response(begin(), corderFields("commerce", "0"),
				insert("commerce", "0", "corder", row(1, 7, "apple", "1.50")),
				insert("commerce", "0", "corder", row(2, 7, "pear", "2.50")), vgtidEvent(reached), commit()));
		OrderListener listener = new OrderListener();
		listener.blockFirst = new CountDownLatch(1);
		VStreamContainer container = start(endpoint("orders", listener, "onChange"));
		await().until(() -> listener.blocked);
		Thread stopper = new Thread(container::stop);
		stopper.start();
		await().until(() -> !container.isRunning());
		listener.blockFirst.countDown();
		stopper.join(10_000);
		assertThat(stopper.isAlive()).isFalse();
		assertThat(listener.changes).extracting((c) -> c.after().orderId()).containsExactly(1L, 2L);
		assertThat(this.offsets.load("test")).contains(StreamPosition.of(reached));
		assertThat(container.getState()).isEqualTo(StreamState.STOPPED);
	}

	private VStreamListenerEndpoint endpoint(String id, Object bean, String method) {
		return this.fixture.endpoint(id, "corder", bean, method);
	}

	private VStreamContainer start(VStreamListenerEndpoint endpoint) {
		return start(List.of(endpoint), VStreamErrorHandler.stopStream());
	}

	private VStreamContainer start(Collection<VStreamListenerEndpoint> endpoints, VStreamErrorHandler errorHandler) {
		// vtgate sends no copy phase here: a start at COPY would copy again after a
		// reconnect, as nothing said its copy ended.
		return start(StartPosition.CURRENT, endpoints, errorHandler);
	}

	private VStreamContainer start(StartPosition start, Collection<VStreamListenerEndpoint> endpoints,
			VStreamErrorHandler errorHandler) {
		VStreamSettings settings = new VStreamSettings("test", "commerce", start, TabletType.PRIMARY,
				Duration.ofSeconds(5), false, new FixedBackOff(10, Long.MAX_VALUE), List.of());
		return this.fixture
			.start(this.fixture.container(settings, this.vtgate.channel(), this.offsets, endpoints, errorHandler));
	}

	static class OrderListener {

		final List<RowChange<Order>> changes = new CopyOnWriteArrayList<>();

		final List<Order> gone = new CopyOnWriteArrayList<>();

		volatile CountDownLatch blockFirst;

		volatile boolean blocked;

		void onChange(RowChange<Order> change) throws InterruptedException {
			if (this.blockFirst != null && this.changes.isEmpty()) {
				this.blocked = true;
				this.blockFirst.await();
			}
			this.changes.add(change);
		}

		void gone(Order order) {
			this.gone.add(order);
		}

		void fail(RowChange<Order> change) {
			throw new IllegalStateException("boom");
		}

	}

}
