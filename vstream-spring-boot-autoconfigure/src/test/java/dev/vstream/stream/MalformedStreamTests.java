package dev.vstream.stream;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import binlogdata.Binlogdata.VEvent;
import binlogdata.Binlogdata.VEventType;
import binlogdata.Binlogdata.VGtid;
import dev.vstream.listener.DefaultVStreamErrorHandler;
import dev.vstream.listener.RowChange;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.test.RecordingOffsets;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.Status;
import io.vitess.proto.Query;
import io.vitess.proto.Topodata.TabletType;
import io.vitess.proto.Vtgate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.util.backoff.FixedBackOff;

import static dev.vstream.test.vtgate.Events.begin;
import static dev.vstream.test.vtgate.Events.col;
import static dev.vstream.test.vtgate.Events.commit;
import static dev.vstream.test.vtgate.Events.corderFields;
import static dev.vstream.test.vtgate.Events.field;
import static dev.vstream.test.vtgate.Events.insert;
import static dev.vstream.test.vtgate.Events.response;
import static dev.vstream.test.vtgate.Events.row;
import static dev.vstream.test.vtgate.Events.vgtid;
import static dev.vstream.test.vtgate.Events.vgtidEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile and broken event sequences from a scripted vtgate. For each: a clear error, the
 * saved position stays at the last transaction fully handled, and after a restart against
 * a sane vtgate the bad transaction comes again.
 */
class MalformedStreamTests {

	private static final VGtid V1 = vgtid("commerce", "0", "MariaDB/0-1-1");

	private static final VGtid V2 = vgtid("commerce", "0", "MariaDB/0-1-2");

	private static final VGtid V3 = vgtid("commerce", "0", "MariaDB/0-1-3");

	private final RecordingOffsets offsets = new RecordingOffsets();

	private StreamFixture<RecordingOffsets> fixture = new StreamFixture<>(this.offsets);

	private ScriptedVtgate vtgate = this.fixture.vtgate();

	private final OrderRecorder orders = new OrderRecorder();

	private final Docs docs = new Docs();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void rowBeforeAnyFieldFailsAndComesAgainAfterRestart() {
		// vtgate sends FIELD again on every new call; this one "forgets" it after a
		// reconnect.
		this.vtgate.thenFail(Status.UNAVAILABLE.withDescription("reset"), firstTransaction())
			.thenSend(response(begin(), insert("commerce", "0", "corder", row(2, 7, "pear", "2.50")), vgtidEvent(V2),
					commit()));
		VStreamContainer container = start();

		assertFailedAtV1(container, "before its FIELD event");
		restartRedelivers(container, 2L);
	}

	@Test
	void lengthsThatDoNotAddUpToTheValuesFail() {
		Query.Row corrupt = row(2, 7, "pear", "2.50").toBuilder().setLengths(2, 9).build();
		this.vtgate.thenSend(firstTransaction(),
				response(begin(), insert("commerce", "0", "corder", corrupt), vgtidEvent(V2), commit()));
		VStreamContainer container = start();

		assertFailedAtV1(container, "lengths add up to");
		restartRedelivers(container, 2L);
	}

	@Test
	void moreLengthsThanColumnsFail() {
		Query.Row corrupt = row(2, 7, "pear", "2.50").toBuilder().addLengths(0).build();
		this.vtgate.thenSend(firstTransaction(),
				response(begin(), insert("commerce", "0", "corder", corrupt), vgtidEvent(V2), commit()));
		VStreamContainer container = start();

		assertFailedAtV1(container, "has 5 values but its FIELD event announced 4 columns");
		restartRedelivers(container, 2L);
	}

	@Test
	void unknownTypeCodeFailsOnItsFirstValue() {
		VEvent strangeFields = field("commerce", "0", "corder", col("order_id", Query.Type.INT64),
				col("customer_id", Query.Type.INT64),
				Query.Field.newBuilder().setName("sku").setTypeValue(4242).build(), col("price", Query.Type.DECIMAL));
		this.vtgate.thenSend(firstTransaction(), response(begin(), strangeFields,
				insert("commerce", "0", "corder", row(2, 7, "pear", "2.50")), vgtidEvent(V2), commit()));
		VStreamContainer container = start();

		assertFailedAtV1(container, "unsupported type");
		restartRedelivers(container, 2L);
	}

	@Test
	void responseLargerThanTheChannelAcceptsFailsInsteadOfReconnectingForever() {
		this.fixture.close();
		this.fixture = new StreamFixture<>(new ScriptedVtgate(4096), this.offsets);
		this.vtgate = this.fixture.vtgate();
		String huge = "x".repeat(16 * 1024);
		this.vtgate.thenSend(firstTransaction(), response(begin(),
				insert("commerce", "0", "corder", row(2, 7, huge, "2.50")), vgtidEvent(V2), commit()));
		VStreamContainer container = start();

		assertFailedAtV1(container, "max-inbound-message-size");
		assertThat(container.getLastError()).hasMessageContaining("exceeds maximum size");
		assertThat(container.getReconnects()).isZero();
		restartRedelivers(container, 2L);
	}

	@Test
	void commitWithoutBeginIsToleratedAndMovesNothingByItself() {
		this.vtgate.thenSend(
				response(corderFields("commerce", "0"), insert("commerce", "0", "corder", row(1, 7, "apple", "1.50")),
						vgtidEvent(V1), commit()),
				response(commit()), response(commit()), response(begin(),
						insert("commerce", "0", "corder", row(2, 7, "pear", "2.50")), vgtidEvent(V2), commit()));
		VStreamContainer container = start();

		await().untilAsserted(() -> assertThat(this.offsets.load("test")).contains(StreamPosition.of(V2)));
		assertThat(this.offsets.saved).containsExactly(StreamPosition.of(V1), StreamPosition.of(V2));
		assertThat(this.orders.ids()).containsExactly(1L, 2L);
		assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
	}

	@Test
	void duplicateBeginIsToleratedAndAHalfTransactionIsNeverSaved() {
		// The copy phase sends BEGINs without a COMMIT in between; the rows after them
		// still count.
		this.vtgate
			.thenFail(Status.UNAVAILABLE.withDescription("reset"),
					response(begin(), corderFields("commerce", "0"), begin(),
							insert("commerce", "0", "corder", row(1, 7, "apple", "1.50")), begin(),
							insert("commerce", "0", "corder", row(2, 7, "pear", "2.50")), vgtidEvent(V1), commit()),
					response(begin(), insert("commerce", "0", "corder", row(3, 7, "plum", "3.50")), begin()),
					response(insert("commerce", "0", "corder", row(4, 7, "fig", "4.50"))))
			.thenSend(response(begin(), corderFields("commerce", "0"),
					insert("commerce", "0", "corder", row(3, 7, "plum", "3.50")),
					insert("commerce", "0", "corder", row(4, 7, "fig", "4.50")), vgtidEvent(V2), commit()));
		VStreamContainer container = start();

		await().untilAsserted(() -> assertThat(this.offsets.load("test")).contains(StreamPosition.of(V2)));
		assertThat(this.vtgate.requests().get(1).getVgtid()).isEqualTo(V1);
		assertThat(this.offsets.saved).containsExactly(StreamPosition.of(V1), StreamPosition.of(V2));
		assertThat(this.orders.ids()).containsExactly(1L, 2L, 3L, 4L, 3L, 4L);
		assertThat(container.getReconnects()).isEqualTo(1);
	}

	@Test
	void vgtidOfAnotherKeyspaceFailsBeforeItIsSaved() {
		VGtid foreign = vgtid("customer", "-80", "MariaDB/0-1-2");
		this.vtgate.thenSend(firstTransaction(), response(begin(),
				insert("commerce", "0", "corder", row(2, 7, "pear", "2.50")), vgtidEvent(foreign), commit()));
		VStreamContainer container = start();

		// Checked before the transaction's rows reach the listener: row 2 is not handed
		// over with a position that cannot be kept.
		assertFailedAtV1(container, "covering keyspaces [customer]", 1L);
		assertThat(this.offsets.saved).doesNotContain(StreamPosition.of(foreign));
		restartRedelivers(container, 2L, 1L, 2L);
	}

	@Test
	void vgtidMissingTheListenedKeyspaceFails() {
		this.vtgate.thenSend(firstTransaction(),
				response(begin(), insert("commerce", "0", "corder", row(2, 7, "pear", "2.50")),
						vgtidEvent(VGtid.getDefaultInstance()), commit()));
		VStreamContainer container = start();

		assertFailedAtV1(container, "covering keyspaces []", 1L);
		restartRedelivers(container, 2L, 1L, 2L);
	}

	@Test
	void vgtidOfAnUnrequestedShardOfTheListenedKeyspaceIsFollowed() {
		// After a reshard vtgate reports the new shards of the keyspace on its own: it is
		// the authority.
		VGtid newShard = vgtid("commerce", "-80", "MariaDB/0-1-2");
		this.vtgate.thenSend(firstTransaction(), response(begin(), corderFields("commerce", "-80"),
				insert("commerce", "-80", "corder", row(2, 7, "pear", "2.50")), vgtidEvent(newShard), commit()));
		VStreamContainer container = start();

		await().untilAsserted(() -> assertThat(this.offsets.load("test")).contains(StreamPosition.of(newShard)));
		assertThat(this.offsets.saved).containsExactly(StreamPosition.of(V1), StreamPosition.of(newShard));
		assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
		assertThat(this.orders.ids()).containsExactly(1L, 2L);
	}

	@Test
	void otherEventInsideATransactionDoesNotSaveThePositionAnnouncedBeforeItsRows() {
		Query.Row corrupt = row(2, 7, "pear", "2.50").toBuilder().setLengths(0, 5).build();
		this.vtgate.thenSend(firstTransaction(), response(begin(), vgtidEvent(V2), event(VEventType.OTHER),
				insert("commerce", "0", "corder", corrupt), commit()));
		VStreamContainer container = start();

		assertFailedAtV1(container, "lengths add up to");
		restartRedelivers(container, 2L);
	}

	@Test
	void ddlInsideATransactionDoesNotSaveThePositionAnnouncedBeforeItsRows() {
		Query.Row corrupt = row(2, 7, "pear", "2.50").toBuilder().setLengths(0, 5).build();
		VEvent ddl = event(VEventType.DDL).toBuilder().setStatement("alter table corder add column note text").build();
		this.vtgate.thenSend(firstTransaction(),
				response(begin(), vgtidEvent(V2), ddl, insert("commerce", "0", "corder", corrupt), commit()));
		VStreamContainer container = start();

		assertFailedAtV1(container, "lengths add up to");
		restartRedelivers(container, 2L);
	}

	@Test
	void jsonNestedBeyondJacksonsDepthLimitFailsTheStreamInsteadOfExhaustingTheStack() {
		VEvent docFields = field("commerce", "0", "doc", col("id", Query.Type.INT64), col("body", Query.Type.JSON));
		String deep = "[".repeat(200_000) + "]".repeat(200_000);
		this.vtgate.thenSend(
				response(begin(), docFields, insert("commerce", "0", "doc", row(1, "{\"a\":1}")), vgtidEvent(V1),
						commit()),
				response(begin(), insert("commerce", "0", "doc", row(2, deep)), vgtidEvent(V2), commit()));
		VStreamContainer container = start(docsEndpoint());

		await().until(() -> container.getState() == StreamState.FAILED);
		assertThat(messages(container.getLastError())).contains("body").containsIgnoringCase("nesting depth");
		assertThat(this.offsets.load("test")).contains(StreamPosition.of(V1));
		assertThat(this.docs.ids).containsExactly(1L);
	}

	@Test
	void garbageJsonInAJsonNodePropertyFailsTheStream() {
		VEvent docFields = field("commerce", "0", "doc", col("id", Query.Type.INT64), col("body", Query.Type.JSON));
		this.vtgate.thenSend(
				response(begin(), docFields, insert("commerce", "0", "doc", row(1, "{\"a\":1}")), vgtidEvent(V1),
						commit()),
				response(begin(), insert("commerce", "0", "doc", row(2, "{\"a\":")), vgtidEvent(V2), commit()));
		VStreamContainer container = start(docsEndpoint());

		await().until(() -> container.getState() == StreamState.FAILED);
		assertThat(container.getLastError()).isNotNull();
		assertThat(messages(container.getLastError())).contains("body");
		assertThat(this.offsets.load("test")).contains(StreamPosition.of(V1));
		assertThat(this.offsets.saved).containsExactly(StreamPosition.of(V1));
		assertThat(this.docs.ids).containsExactly(1L);

		this.vtgate.thenSend(response(begin(), docFields, insert("commerce", "0", "doc", row(2, "{\"a\":2}")),
				vgtidEvent(V2), commit()));
		container.start();
		await().untilAsserted(() -> assertThat(this.offsets.load("test")).contains(StreamPosition.of(V2)));
		assertThat(this.vtgate.requests().get(this.vtgate.requests().size() - 1).getVgtid()).isEqualTo(V1);
		assertThat(this.docs.ids).containsExactly(1L, 2L);
		assertThat(this.docs.bodies.get(1).get("a").asInt()).isEqualTo(2);
	}

	private static String messages(Throwable error) {
		StringBuilder all = new StringBuilder();
		for (Throwable t = error; t != null; t = t.getCause()) {
			all.append(t.getMessage()).append(" | ");
		}
		return all.toString();
	}

	private static VEvent event(VEventType type) {
		return VEvent.newBuilder().setType(type).build();
	}

	private static Vtgate.VStreamResponse firstTransaction() {
		return response(begin(), corderFields("commerce", "0"),
				insert("commerce", "0", "corder", row(1, 7, "apple", "1.50")), vgtidEvent(V1), commit());
	}

	private void assertFailedAtV1(VStreamContainer container, String message) {
		assertFailedAtV1(container, message, 1L);
	}

	/**
	 * @param delivered what the listener got: rows before a bad VGTID were handled, they
	 * come again
	 */
	private void assertFailedAtV1(VStreamContainer container, String message, Long... delivered) {
		await().atMost(Duration.ofSeconds(10)).until(() -> container.getState() == StreamState.FAILED);
		assertThat(messages(container.getLastError())).contains(message);
		assertThat(container.isRunning()).isFalse();
		assertThat(this.offsets.load("test")).contains(StreamPosition.of(V1));
		assertThat(this.offsets.saved).containsExactly(StreamPosition.of(V1));
		assertThat(this.orders.ids()).containsExactly(delivered);
	}

	/**
	 * A restart asks vtgate for what follows the saved position; a sane vtgate then sends
	 * the rest.
	 */
	private void restartRedelivers(VStreamContainer container, long id) {
		restartRedelivers(container, id, 1L, id);
	}

	private void restartRedelivers(VStreamContainer container, long id, Long... delivered) {
		this.vtgate.thenSend(response(begin(), corderFields("commerce", "0"),
				insert("commerce", "0", "corder", row(id, 7, "pear", "2.50")), vgtidEvent(V3), commit()));
		int before = this.vtgate.requests().size();
		container.start();
		await().untilAsserted(() -> assertThat(this.offsets.load("test")).contains(StreamPosition.of(V3)));
		assertThat(this.vtgate.requests()).hasSize(before + 1);
		assertThat(this.vtgate.requests().get(before).getVgtid()).isEqualTo(V1);
		assertThat(this.orders.ids()).containsExactly(delivered);
		assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
	}

	private VStreamListenerEndpoint ordersEndpoint() {
		return this.fixture.endpoint("orders", "corder", this.orders, "on");
	}

	private VStreamListenerEndpoint docsEndpoint() {
		return this.fixture.endpoint("docs", "doc", this.docs, "on");
	}

	private VStreamContainer start() {
		return start(ordersEndpoint());
	}

	private VStreamContainer start(VStreamListenerEndpoint endpoint) {
		VStreamSettings settings = new VStreamSettings("test", "commerce", StartPosition.CURRENT, TabletType.PRIMARY,
				Duration.ofSeconds(1), false, new FixedBackOff(10, Long.MAX_VALUE), List.of());
		// The production default: a row that cannot be decoded or mapped stops the
		// stream.
		return this.fixture.start(this.fixture.container(settings, new DefaultVStreamErrorHandler(), endpoint));
	}

	record Doc(long id, JsonNode body) {
	}

	static class Docs {

		final List<Long> ids = new CopyOnWriteArrayList<>();

		final List<JsonNode> bodies = new CopyOnWriteArrayList<>();

		void on(RowChange<Doc> change) {
			this.ids.add(change.row().id());
			this.bodies.add(change.row().body());
		}

	}

}
