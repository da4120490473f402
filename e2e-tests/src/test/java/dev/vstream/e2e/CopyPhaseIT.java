package dev.vstream.e2e;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import binlogdata.Binlogdata.TableLastPK;
import dev.vstream.copyapp.CopyApplication;
import dev.vstream.copyapp.CopyApplication.Items;
import dev.vstream.copyapp.CopyApplication.Orders;
import dev.vstream.listener.Operation;
import dev.vstream.listener.RowChange;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.StreamPosition;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The copy phase against the real vtgate, on {@code commerce.copy_item} (30,000 rows,
 * copied in several batches): a stop in the middle of the copy saves the last primary key
 * copied ({@code table_p_ks}) and the next start resumes after it;
 * {@code vstream.tables-to-copy} limits the copy.
 */
class CopyPhaseIT {

	static final int ROWS = 30_000;

	private static final Duration TIMEOUT = Duration.ofSeconds(120);

	private final String tag = "copy-" + UUID.randomUUID().toString().substring(0, 8);

	private final RecordingOffsets offsets = new RecordingOffsets();

	private final InJvmApps apps = new InJvmApps(CopyApplication.class)
		.initializer((context) -> context.getBeanFactory().registerSingleton("testOffsets", this.offsets));

	private final List<Long> liveIds = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void fillTable() throws SQLException {
		LocalVitess.execute("commerce",
				"CREATE TABLE IF NOT EXISTS copy_item (id BIGINT NOT NULL, "
						+ "payload VARCHAR(200), PRIMARY KEY (id)) ENGINE=InnoDB",
				// live rows a previous run may have left behind
				"delete from copy_item where id > " + ROWS);
		if (count("select count(*) from copy_item") == ROWS && count("select max(id) from copy_item") == ROWS) {
			return;
		}
		List<String> statements = new ArrayList<>(List.of("delete from copy_item"));
		for (int from = 1; from <= ROWS; from += 1000) {
			StringBuilder insert = new StringBuilder("insert into copy_item (id, payload) values ");
			for (int id = from; id < from + 1000; id++) {
				insert.append((id == from) ? "" : ",")
					.append('(')
					.append(id)
					.append(", '")
					.append(payload(id))
					.append("')");
			}
			statements.add(insert.toString());
		}
		LocalVitess.execute("commerce", statements.toArray(String[]::new));
	}

	@AfterEach
	void stopApps() {
		this.apps.close();
		this.liveIds.forEach((id) -> LocalVitess.execute("commerce", "delete from copy_item where id = " + id));
	}

	@Test
	void stopMidCopySavesTheLastPrimaryKeyAndTheNextStartResumesAfterIt() throws Exception {
		int blockAt = 5_000;
		ConfigurableApplicationContext first = start("copyapp.block-at=" + blockAt);
		Items firstItems = first.getBean(Items.class);
		VStreamContainer firstContainer = first.getBean(VStreamContainer.class);
		await().atMost(TIMEOUT).until(() -> firstItems.blocked);
		// a graceful stop in the middle of a copy batch: the batch in hand is finished,
		// then saved
		CompletableFuture<Void> closing = CompletableFuture.runAsync(first::close);
		await().atMost(TIMEOUT).until(() -> !firstContainer.isRunning());
		firstItems.release();
		closing.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

		StreamPosition saved = this.offsets.load(streamId()).orElseThrow();
		assertThat(saved.isCopying()).as("saved mid-copy: %s", saved).isTrue();
		TableLastPK tablePk = saved.toVGtid().getShardGtids(0).getTablePKs(0);
		assertThat(tablePk.getTableName()).isEqualTo("copy_item");
		long lastPk = lastPk(saved).orElseThrow();
		assertThat(lastPk).isBetween((long) blockAt, ROWS - 1L);
		// rows come in primary-key order, and the first run handled exactly the rows up
		// to the saved key
		assertThat(firstItems.ids()).containsExactlyElementsOf(range(1, lastPk));
		assertThat(firstItems.changes).allSatisfy((c) -> {
			assertThat(c.op()).isEqualTo(Operation.INSERT);
			assertThat(c.commitTime()).isNull();
			assertThat(c.after().payload()).isEqualTo(payload(c.after().id()));
		});

		ConfigurableApplicationContext second = start();
		Items secondItems = second.getBean(Items.class);
		VStreamContainer secondContainer = second.getBean(VStreamContainer.class);
		await().atMost(TIMEOUT).until(() -> secondContainer.getState() == StreamState.STREAMING);
		await().atMost(TIMEOUT).until(() -> copied(secondItems).size() >= ROWS - lastPk);
		// nothing at or below the saved key again (a graceful stop leaves no unsaved
		// batch), the rest once
		assertThat(copied(secondItems)).containsExactlyElementsOf(range(lastPk + 1, ROWS));
		Set<Long> union = new HashSet<>(firstItems.ids());
		union.addAll(copied(secondItems));
		assertThat(union).hasSize(ROWS);
		StreamPosition afterCopy = await().atMost(TIMEOUT)
			.until(() -> this.offsets.load(streamId()).orElseThrow(), (p) -> !p.isCopying());
		assertThat(afterCopy.shards()).singleElement().satisfies((s) -> {
			assertThat(s.keyspace()).isEqualTo("commerce");
			assertThat(s.gtid()).isNotBlank();
		});
		assertThat(secondContainer.getPosition().isCopying()).isFalse();

		// a live change after the copy is delivered as such
		long live = insertLive();
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(secondItems.ids()).containsOnlyOnce(live));
		assertThat(secondItems.changes).filteredOn((c) -> c.row().id() == live)
			.singleElement()
			.satisfies((c) -> assertThat(c.commitTime()).isNotNull());

		List<Long> savedKeys = this.offsets.saves.stream().map(CopyPhaseIT::lastPk).flatMap(Optional::stream).toList();
		System.out.println("CopyPhaseIT: listener held at row " + blockAt + ", stop saved lastpk " + lastPk
				+ "; last primary keys of the saved copy batches " + savedKeys);
		assertThat(savedKeys).as("the copy came in several batches, each saved").hasSizeGreaterThan(2).isSorted();
	}

	@Test
	void tablesToCopyLimitsTheCopyOtherListenedTablesOnlyGetLiveChanges() {
		LocalVitess.execute("commerce",
				"insert into corder (customer_id, sku, price) values (1, '" + this.tag + "-pre-0', 1.00)",
				"insert into corder (customer_id, sku, price) values (1, '" + this.tag + "-pre-1', 2.00)");
		ConfigurableApplicationContext app = start("copyapp.orders=true", "vstream.tables-to-copy=corder");
		Items items = app.getBean(Items.class);
		Orders orders = app.getBean(Orders.class);
		VStreamContainer container = app.getBean(VStreamContainer.class);
		await().atMost(TIMEOUT)
			.until(() -> container.getState() == StreamState.STREAMING && container.getPosition() != null
					&& !container.getPosition().isCopying());
		assertThat(mine(orders.changes)).extracting((c) -> c.after().sku())
			.containsExactly(this.tag + "-pre-0", this.tag + "-pre-1");
		assertThat(mine(orders.changes)).allSatisfy((c) -> assertThat(c.commitTime()).as("copied").isNull());
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> copied(items).isEmpty());

		long live = insertLive();
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(items.ids()).containsOnlyOnce(live));
		assertThat(items.changes).filteredOn((c) -> c.row().id() == live).singleElement().satisfies((c) -> {
			assertThat(c.op()).isEqualTo(Operation.INSERT);
			assertThat(c.commitTime()).isNotNull();
		});
		assertThat(copied(items)).isEmpty();
	}

	/**
	 * Rows of the filled table (live rows, of this run or a concurrent one, have larger
	 * ids).
	 */
	private static List<Long> copied(Items items) {
		return items.ids().stream().filter((id) -> id <= ROWS).toList();
	}

	private long insertLive() {
		long live = ROWS + ThreadLocalRandom.current().nextInt(1, 1_000_000_000);
		this.liveIds.add(live);
		LocalVitess.execute("commerce", "insert into copy_item (id, payload) values (" + live + ", 'live')");
		return live;
	}

	private List<RowChange<CopyApplication.Order>> mine(List<RowChange<CopyApplication.Order>> changes) {
		return changes.stream().filter((c) -> c.row().sku() != null && c.row().sku().startsWith(this.tag)).toList();
	}

	private static Optional<Long> lastPk(StreamPosition position) {
		return position.toVGtid()
			.getShardGtidsList()
			.stream()
			.flatMap((s) -> s.getTablePKsList().stream())
			.filter((t) -> t.getTableName().equals("copy_item") && t.getLastpk().getRowsCount() > 0)
			.map((t) -> Long.parseLong(t.getLastpk().getRows(0).getValues().toStringUtf8()))
			.findFirst();
	}

	private ConfigurableApplicationContext start(String... properties) {
		List<String> all = new ArrayList<>(
				List.of("vstream.start-position=copy", "vstream.reconnect.initial-interval=200ms"));
		all.addAll(List.of(properties));
		return this.apps.start(streamId(), all);
	}

	private String streamId() {
		return this.tag;
	}

	private static List<Long> range(long from, long to) {
		return LongStream.rangeClosed(from, to).boxed().toList();
	}

	static String payload(long id) {
		return "item-" + id + "-" + "x".repeat(100);
	}

	private static long count(String sql) throws SQLException {
		try (Connection connection = LocalVitess.vtgate("commerce");
				ResultSet rows = connection.createStatement().executeQuery(sql)) {
			rows.next();
			return rows.getLong(1);
		}
	}

	/**
	 * An in-memory store shared by the test's application runs, remembering every save.
	 */
	static class RecordingOffsets implements OffsetRepository {

		private final InMemoryOffsetRepository delegate = new InMemoryOffsetRepository();

		final List<StreamPosition> saves = new CopyOnWriteArrayList<>();

		@Override
		public Optional<StreamPosition> load(String streamId) {
			return this.delegate.load(streamId);
		}

		@Override
		public void save(String streamId, StreamPosition position) {
			this.saves.add(position);
			this.delegate.save(streamId, position);
		}

		@Override
		public void delete(String streamId) {
			this.delegate.delete(streamId);
		}

	}

}
