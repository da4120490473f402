package dev.vstream.offset;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VGtid;
import dev.vstream.position.StreamPosition;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The contract run against {@link JdbcOffsetRepository} on one database. Subclasses
 * register the {@link JdbcOffsetDatabase} as a static {@code @RegisterExtension} field
 * and pass it here; it has created the table of {@link #repository()} before the tests
 * run.
 */
abstract class JdbcOffsetRepositoryContractTests extends PersistentOffsetRepositoryContractTests {

	private final JdbcOffsetDatabase database;

	protected JdbcOffsetRepositoryContractTests(JdbcOffsetDatabase database) {
		this.database = database;
	}

	protected JdbcTemplate jdbcTemplate() {
		return this.database.jdbcTemplate();
	}

	@Override
	protected JdbcOffsetRepository repository() {
		return this.database.repository();
	}

	@Override
	protected void storeRawValue(String streamId, String value) {
		jdbcTemplate().update("INSERT INTO " + repository().getTableName()
				+ " (stream_id, position, updated_at) VALUES (?, ?, CURRENT_TIMESTAMP)", streamId, value);
	}

	@Override
	protected Optional<String> readRawValue(String streamId) {
		List<String> values = jdbcTemplate().queryForList(
				"SELECT position FROM " + repository().getTableName() + " WHERE stream_id = ?", String.class, streamId);
		return values.stream().findFirst();
	}

	@Override
	protected String storeName(String streamId) {
		return repository().getTableName();
	}

	@Test
	void createTableIfMissingIsIdempotentAndKeepsRows() {
		String id = streamId("orders");
		repository().save(id, position(3));

		repository().createTableIfMissing();
		repository().createTableIfMissing();

		assertThat(repository().load(id)).contains(position(3));
	}

	@Test
	void createTableIfMissingFromSeveralApplicationsAtOnce() throws Exception {
		String table = uniqueTableName();
		int applications = 4;
		ExecutorService executor = Executors.newFixedThreadPool(applications);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> futures = new ArrayList<>();
			for (int i = 0; i < applications; i++) {
				JdbcOffsetRepository application = new JdbcOffsetRepository(jdbcTemplate(), table);
				futures.add(executor.submit(() -> {
					start.await();
					application.createTableIfMissing();
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(60, TimeUnit.SECONDS);
			}
			JdbcOffsetRepository created = new JdbcOffsetRepository(jdbcTemplate(), table);
			created.save("orders", position(1));
			assertThat(created.load("orders")).contains(position(1));
		}
		finally {
			executor.shutdownNow();
			jdbcTemplate().execute("DROP TABLE IF EXISTS " + table);
		}
	}

	@Test
	void saveRecordsWhenThePositionWasUpdated() {
		String id = streamId("orders");
		repository().save(id, position(1));
		Timestamp first = updatedAt(id);
		repository().save(id, position(2));
		Timestamp second = updatedAt(id);

		assertThat(first).isNotNull();
		assertThat(second).isAfterOrEqualTo(first);
	}

	@Test
	void largePositionIsStoredWhole() {
		// Hundreds of shards with long GTID sets: more than the 64 KiB a MySQL TEXT
		// column holds.
		VGtid.Builder vgtid = VGtid.newBuilder();
		for (int shard = 0; shard < 512; shard++) {
			vgtid.addShardGtids(ShardGtid.newBuilder()
				.setKeyspace("commerce")
				.setShard(String.format("%03x-", shard))
				.setGtid("MySQL56/" + MYSQL_UUID + ":1-" + shard + "," + OTHER_UUID + ":1-" + (shard * 7)));
		}
		StreamPosition position = StreamPosition.of(vgtid.build());
		assertThat(position.toJson().length()).isGreaterThan(65_536);
		String id = streamId("large");

		repository().save(id, position);

		assertThat(repository().load(id)).contains(position);
	}

	@Test
	void missingTableFailsWithTheStreamAndTheTableNamed() {
		JdbcOffsetRepository missing = new JdbcOffsetRepository(jdbcTemplate(), "vstream_offset_missing");
		String id = streamId("orders");

		assertThatExceptionOfType(OffsetStoreException.class).isThrownBy(() -> missing.load(id))
			.withMessageContaining(id)
			.withMessageContaining("vstream_offset_missing")
			.withMessageContaining("createTableIfMissing");
		assertThatExceptionOfType(OffsetStoreException.class).isThrownBy(() -> missing.save(id, position(1)))
			.withMessageContaining(id)
			.withMessageContaining("vstream_offset_missing");
	}

	@Test
	void compareAndSaveInATransactionWaitsForTheOtherInstancesCommitThenRefusesAndItsWorkRollsBack() throws Exception {
		// Two instances of one stream, each with the listeners' work and the position in
		// one transaction, as with vstream.jdbc.transactional; under the database's
		// default isolation.
		String effects = uniqueTableName() + "_fx";
		jdbcTemplate().execute("CREATE TABLE " + effects + " (instance VARCHAR(8))");
		TransactionTemplate transactions = transactions();
		String id = streamId("two-instances");
		repository().save(id, position(1));
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			CountDownLatch commitFirst = new CountDownLatch(1);
			Future<?> first = runUntilCommit(executor, transactions, () -> {
				jdbcTemplate().update("INSERT INTO " + effects + " (instance) VALUES ('first')");
				repository().compareAndSave(id, position(1), position(3));
			}, commitFirst);
			Future<?> second = executor.submit(() -> transactions.executeWithoutResult((status) -> {
				jdbcTemplate().update("INSERT INTO " + effects + " (instance) VALUES ('second')");
				repository().compareAndSave(id, position(1), position(2));
			}));
			await().alias("the second save waits for the first one's row lock")
				.during(Duration.ofMillis(300))
				.atMost(Duration.ofSeconds(2))
				.until(() -> !second.isDone());
			commitFirst.countDown();
			first.get(30, TimeUnit.SECONDS);

			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> second.get(30, TimeUnit.SECONDS))
				.havingCause()
				.isInstanceOf(PositionConflictException.class)
				.satisfies((ex) -> assertThat(((PositionConflictException) ex).getStored()).isEqualTo(position(3)));
			assertThat(repository().load(id)).contains(position(3));
			assertThat(jdbcTemplate().queryForList("SELECT instance FROM " + effects, String.class))
				.containsExactly("first");
		}
		finally {
			executor.shutdownNow();
			jdbcTemplate().execute("DROP TABLE IF EXISTS " + effects);
		}
	}

	@Test
	void firstPositionsInsertedConcurrentlyLetOnlyOneTransactionCommit() throws Exception {
		String id = streamId("first-row");
		TransactionTemplate transactions = transactions();
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			CountDownLatch commitFirst = new CountDownLatch(1);
			Future<?> first = runUntilCommit(executor, transactions,
					() -> repository().compareAndSave(id, null, position(1)), commitFirst);
			Future<?> second = executor.submit(() -> transactions
				.executeWithoutResult((status) -> repository().compareAndSave(id, null, position(2))));
			await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !second.isDone());
			commitFirst.countDown();
			first.get(30, TimeUnit.SECONDS);

			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> second.get(30, TimeUnit.SECONDS))
				.havingCause()
				.isInstanceOf(PositionConflictException.class);
			assertThat(repository().load(id)).contains(position(1));
		}
		finally {
			executor.shutdownNow();
		}
	}

	private TransactionTemplate transactions() {
		return new TransactionTemplate(new DataSourceTransactionManager(jdbcTemplate().getDataSource()));
	}

	/**
	 * Run work in a transaction on another thread that commits only once {@code commit}
	 * is counted down.
	 * @return the transaction, its work done, its commit pending
	 */
	private static Future<?> runUntilCommit(ExecutorService executor, TransactionTemplate transactions, Runnable work,
			CountDownLatch commit) throws InterruptedException {
		CountDownLatch done = new CountDownLatch(1);
		Future<?> transaction = executor.submit(() -> transactions.executeWithoutResult((status) -> {
			work.run();
			done.countDown();
			try {
				commit.await();
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		}));
		assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
		return transaction;
	}

	private Timestamp updatedAt(String streamId) {
		return jdbcTemplate().queryForObject(
				"SELECT updated_at FROM " + repository().getTableName() + " WHERE stream_id = ?", Timestamp.class,
				streamId);
	}

	/**
	 * A table name of its own for each run, so that runs sharing a server do not meet.
	 */
	static String uniqueTableName() {
		return "vstream_offset_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
	}

}
