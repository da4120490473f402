package dev.vstream.stream;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.TableLastPK;
import binlogdata.Binlogdata.VEvent;
import binlogdata.Binlogdata.VGtid;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.vitess.proto.Query;
import io.vitess.proto.Vtgate.VStreamRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static dev.vstream.test.vtgate.Events.begin;
import static dev.vstream.test.vtgate.Events.col;
import static dev.vstream.test.vtgate.Events.commit;
import static dev.vstream.test.vtgate.Events.copyCompleted;
import static dev.vstream.test.vtgate.Events.field;
import static dev.vstream.test.vtgate.Events.insert;
import static dev.vstream.test.vtgate.Events.response;
import static dev.vstream.test.vtgate.Events.row;
import static dev.vstream.test.vtgate.Events.shardCopyCompleted;
import static dev.vstream.test.vtgate.Events.vgtid;
import static dev.vstream.test.vtgate.Events.vgtidEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A listened table that the saved position does not cover ({@code customer} here, beside
 * {@code corder}): the request asks vtgate to copy it, and only it; positions cover it
 * once its copy ended; a restart in the middle of its copy resumes it; with
 * {@code copy-new-tables} off, or a position that does not say what it covers, nothing is
 * copied.
 */
@ExtendWith(OutputCaptureExtension.class)
class NewTableCopyTests {

	private static final Map<String, Set<String>> ONLY_CORDER = Map.of("commerce", Set.of("corder"));

	private static final Map<String, Set<String>> BOTH = Map.of("commerce", Set.of("corder", "customer"));

	private final StreamFixture<InMemoryOffsetRepository> fixture = StreamFixture.inMemory();

	private final ScriptedVtgate vtgate = this.fixture.vtgate();

	private final VStreamRequestTests.Listener orders = new VStreamRequestTests.Listener();

	private final VStreamRequestTests.Listener customers = new VStreamRequestTests.Listener();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void aListenedTableThePositionDoesNotCoverIsCopiedFirstAndCoveredOnceCopied(CapturedOutput output) {
		saved(StreamPosition.of(vgtid("commerce", "0", "MySQL56/a:1-5")).withCoveredTables(ONLY_CORDER));
		DefaultVStreamContainer container = this.fixture.start(container(StartPosition.COPY, true));
		VStreamRequest request = request(1);
		assertThat(request.getVgtid().getShardGtidsList()).singleElement().satisfies((shard) -> {
			assertThat(shard.getGtid()).isEqualTo("MySQL56/a:1-5");
			assertThat(shard.getTablePKsList()).singleElement().satisfies((table) -> {
				assertThat(table.getTableName()).isEqualTo("customer");
				assertThat(table.hasLastpk()).as("copied from its first row").isFalse();
			});
		});
		assertThat(request.getFlags().getTablesToCopyList()).as("corder is not copied again")
			.containsExactly("customer");
		assertThat(output).contains("Stream 'test' copies commerce.customer first");
		assertThat(container.getState()).isEqualTo(StreamState.COPYING);

		// a batch of the copy: saved, not covering customer yet
		this.vtgate.send(response(begin(), customerFields(), copiedCustomer(7),
				vgtidEvent(copyingCustomer("MySQL56/a:1-6", 7)), commit()));
		await().untilAsserted(() -> assertThat(this.customers.changes).hasSize(1));
		StreamPosition midCopy = awaitSaved((p) -> p.isCopying());
		assertThat(midCopy.coveredTables()).isEqualTo(ONLY_CORDER);
		assertThat(midCopy.copyingTables()).isEqualTo(Map.of("commerce", Set.of("customer")));

		// its last primary key leaves the position: copied, covered from here on
		this.vtgate.send(response(begin(), vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-6")), commit()));
		StreamPosition copied = awaitSaved((p) -> BOTH.equals(p.coveredTables()));
		assertThat(copied.isCopying()).isFalse();
		assertThat(copied.copyingTables()).isEmpty();
		this.vtgate.send(response(shardCopyCompleted("commerce", "0"), copyCompleted()));
		await().until(() -> container.getState() == StreamState.STREAMING);
		assertThat(container.getCopyProgress()).singleElement()
			.satisfies((table) -> assertThat(table.table()).isEqualTo("customer"));

		container.stop();
		this.fixture.start(container);
		VStreamRequest next = request(2);
		assertThat(next.getVgtid().getShardGtids(0).getTablePKsList()).isEmpty();
		assertThat(next.getFlags().getTablesToCopyList()).isEmpty();
	}

	@Test
	void aRestartInTheMiddleOfTheNewTablesCopyResumesItAndCopiesNothingElse() {
		saved(StreamPosition.of(copyingCustomer("MySQL56/a:1-6", 7)).withCoveredTables(ONLY_CORDER));
		this.fixture.start(container(StartPosition.COPY, true));
		VStreamRequest request = request(1);
		assertThat(request.getVgtid().getShardGtids(0).getTablePKsList()).singleElement().satisfies((table) -> {
			assertThat(table.getTableName()).isEqualTo("customer");
			assertThat(table.getLastpk().getRows(0)).isEqualTo(row(7));
		});
		assertThat(request.getFlags().getTablesToCopyList()).containsExactly("customer");
	}

	@Test
	void aTableInTheSavedTablePksIsCopiedOnEvenWhenThePositionSaysItIsCovered() {
		// vtgate resumes a table its position lists whatever else the position says: the
		// request names it, so that vtgate copies nothing else.
		saved(StreamPosition.of(copyingCustomer("MySQL56/a:1-6", 7)).withCoveredTables(BOTH));
		this.fixture.start(container(StartPosition.COPY, true));
		VStreamRequest request = request(1);
		assertThat(request.getVgtid().getShardGtids(0).getTablePKs(0).getLastpk().getRows(0)).isEqualTo(row(7));
		assertThat(request.getFlags().getTablesToCopyList()).containsExactly("customer");
	}

	@Test
	void aCopyUnderWayIsFinishedAlsoWithCopyNewTablesOff() {
		saved(StreamPosition.of(copyingCustomer("MySQL56/a:1-6", 7)).withCoveredTables(ONLY_CORDER));
		this.fixture.start(container(StartPosition.COPY, false));
		VStreamRequest request = request(1);
		assertThat(request.getVgtid().getShardGtids(0).getTablePKsList()).extracting(TableLastPK::getTableName)
			.containsExactly("customer");
		assertThat(request.getFlags().getTablesToCopyList()).containsExactly("customer");
	}

	@Test
	void withCopyNewTablesOffTheTableIsNamedAndStreamedFromThePosition(CapturedOutput output) {
		saved(StreamPosition.of(vgtid("commerce", "0", "MySQL56/a:1-5")).withCoveredTables(ONLY_CORDER));
		this.fixture.start(container(StartPosition.COPY, false));
		VStreamRequest request = request(1);
		assertThat(request.getVgtid().getShardGtids(0).getTablePKsList()).isEmpty();
		assertThat(request.getFlags().getTablesToCopyList()).isEmpty();
		assertThat(output).contains("WARN")
			.contains("Stream 'test' does not copy commerce.customer, which its saved position does not cover")
			.contains("vstream.copy-new-tables is false");
		this.vtgate.send(response(begin(), vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-6")), commit()));
		assertThat(awaitSaved((p) -> p.toVGtid().getShardGtids(0).getGtid().endsWith("1-6")).coveredTables())
			.isEqualTo(BOTH);
	}

	@Test
	void aStreamStartingAtCurrentDoesNotCopyANewTable(CapturedOutput output) {
		saved(StreamPosition.of(vgtid("commerce", "0", "MySQL56/a:1-5")).withCoveredTables(ONLY_CORDER));
		this.fixture.start(container(StartPosition.CURRENT, true));
		assertThat(request(1).getVgtid().getShardGtids(0).getTablePKsList()).isEmpty();
		assertThat(output).contains("Stream 'test' streams commerce.customer, which its saved position does not "
				+ "cover, from the saved position on without copying it");
	}

	@Test
	void aPositionThatDoesNotSayWhatItCoversCoversEveryListenedTable(CapturedOutput output) {
		VGtid at5 = vgtid("commerce", "0", "MySQL56/a:1-5");
		saved(StreamPosition.of(at5));
		this.fixture.start(container(StartPosition.COPY, true));
		VStreamRequest request = request(1);
		assertThat(request.getVgtid()).isEqualTo(at5);
		assertThat(request.getFlags().getTablesToCopyList()).isEmpty();
		assertThat(output).contains("does not record which tables it covers");
		this.vtgate.send(response(begin(), vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-6")), commit()));
		assertThat(awaitSaved((p) -> p.coveredTables() != null).coveredTables()).isEqualTo(BOTH);
	}

	@Test
	void aTableWhoseListenerIsGoneIsNoLongerCovered() {
		saved(StreamPosition.of(vgtid("commerce", "0", "MySQL56/a:1-5")).withCoveredTables(BOTH));
		DefaultVStreamContainer container = this.fixture.container(
				StreamFixture.settings("commerce", StartPosition.COPY, Duration.ofSeconds(5)),
				VStreamErrorHandler.stopStream(),
				this.fixture.endpoint("orders", "commerce", "corder", this.orders, "onChange"));
		this.fixture.start(container);
		assertThat(request(1).getVgtid().getShardGtids(0).getTablePKsList()).isEmpty();
		this.vtgate.send(response(begin(), vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-6")), commit()));
		assertThat(awaitSaved((p) -> p.toVGtid().getShardGtids(0).getGtid().endsWith("1-6")).coveredTables())
			.isEqualTo(ONLY_CORDER);
	}

	@Test
	void aFirstStartCoversTheCopiedTablesOnlyOnceTheirCopyEnded() {
		this.fixture.start(container(StartPosition.COPY, true));
		VStreamRequest request = request(1);
		assertThat(request.getVgtid().getShardGtids(0).getGtid()).isEmpty();
		assertThat(request.getVgtid().getShardGtids(0).getTablePKsList()).isEmpty();
		this.vtgate.send(response(begin(), customerFields(), copiedCustomer(7),
				vgtidEvent(copyingCustomer("MySQL56/a:1-6", 7)), commit()));
		StreamPosition midCopy = awaitSaved(StreamPosition::isCopying);
		assertThat(midCopy.coveredTables()).isEqualTo(Map.of("commerce", Set.of()));
		assertThat(midCopy.copyingTables()).isEqualTo(BOTH);
		// customer's copy ended, corder had no rows: only COPY_COMPLETED says it is done
		this.vtgate.send(response(begin(), vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-6")), commit()));
		assertThat(awaitSaved((p) -> !p.isCopying()).coveredTables()).isEqualTo(Map.of("commerce", Set.of("customer")));
		this.vtgate.send(response(shardCopyCompleted("commerce", "0"), copyCompleted()));
		assertThat(awaitSaved((p) -> BOTH.equals(p.coveredTables())).copyingTables()).isEmpty();
	}

	@Test
	void aRestartInTheMiddleOfTheFirstCopyCopiesTheTablesNotBegunAlsoWithCopyNewTablesOff(CapturedOutput output) {
		// saved before corder's first batch: vtgate's position alone would say nothing
		// is left to copy
		saved(StreamPosition.of(vgtid("commerce", "0", "MySQL56/a:1-6"))
			.withCoveredTables(Map.of("commerce", Set.of()), BOTH));
		this.fixture.start(container(StartPosition.COPY, false));
		VStreamRequest request = request(1);
		assertThat(request.getVgtid().getShardGtids(0).getTablePKsList()).extracting(TableLastPK::getTableName)
			.containsExactlyInAnyOrder("corder", "customer");
		assertThat(request.getFlags().getTablesToCopyList()).containsExactly("corder", "customer");
		assertThat(output).doesNotContain("does not copy").doesNotContain("copies commerce");
	}

	private DefaultVStreamContainer container(StartPosition start, boolean copyNewTables) {
		DefaultVStreamContainer container = this.fixture.container(
				StreamFixture.settings("commerce", start, Duration.ofSeconds(5)), VStreamErrorHandler.stopStream(),
				this.fixture.endpoint("orders", "commerce", "corder", this.orders, "onChange"),
				this.fixture.endpoint("customers", "commerce", "customer", this.customers, "onChange"));
		container.getContainerOptions().setCopyNewTables(copyNewTables);
		return container;
	}

	private void saved(StreamPosition position) {
		this.fixture.offsets().save("test", position);
	}

	private VStreamRequest request(int count) {
		await().until(() -> this.vtgate.requests().size() >= count);
		return this.vtgate.requests().get(count - 1);
	}

	private StreamPosition awaitSaved(Predicate<StreamPosition> matching) {
		return await().until(() -> this.fixture.offsets().load("test").orElse(null),
				(p) -> p != null && matching.test(p));
	}

	private static VEvent customerFields() {
		return field("commerce", "0", "customer", col("customer_id", Query.Type.INT64),
				col("email", Query.Type.VARCHAR));
	}

	private static VEvent copiedCustomer(long id) {
		return insert("commerce", "0", "customer", row(id, "c" + id + "@example.com")).toBuilder()
			.setTimestamp(0)
			.build();
	}

	/** A position in the copy of customer, as vtgate folds the LASTPK into the VGTID. */
	private static VGtid copyingCustomer(String gtid, long lastId) {
		Query.QueryResult lastPk = Query.QueryResult.newBuilder()
			.addFields(Query.Field.newBuilder().setName("customer_id").setType(Query.Type.INT64))
			.addRows(row(lastId))
			.build();
		return VGtid.newBuilder()
			.addShardGtids(ShardGtid.newBuilder()
				.setKeyspace("commerce")
				.setShard("0")
				.setGtid(gtid)
				.addTablePKs(TableLastPK.newBuilder().setTableName("customer").setLastpk(lastPk)))
			.build();
	}

}
