package dev.vstream.offset;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.TableLastPK;
import binlogdata.Binlogdata.VGtid;
import com.google.protobuf.ByteString;
import dev.vstream.position.StreamPosition;
import io.vitess.proto.Query;
import io.vitess.proto.Query.Field;
import io.vitess.proto.Query.QueryResult;
import io.vitess.proto.Query.Row;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The behaviour every {@link OffsetRepository} must have. Subclasses provide the
 * repository; stores that can hold a value which is not a position extend
 * {@link PersistentOffsetRepositoryContractTests} instead.
 */
abstract class OffsetRepositoryContractTests {

	static final String MYSQL_UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

	static final String OTHER_UUID = "a7f5c3e2-0b4d-11ef-8a51-0242ac120002";

	// Unique per test instance, so tests against a shared server never see each other's
	// rows.
	private final String runId = UUID.randomUUID().toString().substring(0, 8);

	/**
	 * The repository under test, empty of this test's streams.
	 */
	protected abstract OffsetRepository repository();

	protected String streamId(String name) {
		return name + "-" + this.runId;
	}

	@Test
	void loadOfUnknownStreamIsEmpty() {
		assertThat(repository().load(streamId("never-saved"))).isEmpty();
	}

	@Test
	void saveThenLoadRoundTripsShardsCopyPhaseAndBothGtidFormats() {
		StreamPosition position = position(42);
		String id = streamId("orders");

		repository().save(id, position);

		StreamPosition loaded = repository().load(id).orElseThrow();
		assertThat(loaded).isEqualTo(position);
		VGtid vgtid = loaded.toVGtid();
		assertThat(vgtid.getShardGtidsList()).extracting(ShardGtid::getGtid)
			.containsExactly("MySQL56/" + MYSQL_UUID + ":1-42", "MariaDB/0-1-42",
					"MySQL56/" + MYSQL_UUID + ":1-42," + OTHER_UUID + ":1-7");
		TableLastPK lastPk = vgtid.getShardGtids(0).getTablePKs(0);
		assertThat(lastPk.getTableName()).isEqualTo("customer");
		assertThat(lastPk.getLastpk().getFieldsList()).extracting(Field::getName, Field::getType)
			.containsExactly(tuple("customer_id", Query.Type.INT64), tuple("email", Query.Type.VARBINARY));
		assertThat(lastPk.getLastpk().getRows(0).getLengthsList()).containsExactly(2L, -1L);
		assertThat(lastPk.getLastpk().getRows(0).getValues().toStringUtf8()).isEqualTo("42");
		assertThat(loaded.isCopying()).isTrue();
	}

	@Test
	void saveOverwritesThePreviousPosition() {
		String id = streamId("orders");
		repository().save(id, position(1));
		repository().save(id, position(2));

		assertThat(repository().load(id)).contains(position(2));
	}

	@Test
	void streamsAreIndependent() {
		String orders = streamId("orders");
		String customers = streamId("customers");
		repository().save(orders, position(1));
		repository().save(customers, position(2));
		repository().save(orders, position(3));
		repository().delete(customers);

		assertThat(repository().load(orders)).contains(position(3));
		assertThat(repository().load(customers)).isEmpty();
	}

	@Test
	void streamIdIsStoredAsGivenEvenWithQuotesAndNonAsciiCharacters() {
		String id = streamId("commerce/it's \"-80\" ünïcode;--");
		repository().save(id, position(5));

		assertThat(repository().load(id)).contains(position(5));
		assertThat(repository().load(streamId("commerce/it's \"-80\" unicode;--"))).isEmpty();
	}

	@Test
	void streamIdsThatDifferOnlyInCaseOrAccentsAreDifferentStreams() {
		// MySQL's and MariaDB's default collations would consider these equal.
		String lower = streamId("orders");
		String upper = streamId("ORDERS");
		String accented = streamId("ordérs");
		repository().save(lower, position(1));
		repository().save(upper, position(2));
		repository().save(accented, position(3));

		assertThat(repository().load(lower)).contains(position(1));
		assertThat(repository().load(upper)).contains(position(2));
		assertThat(repository().load(accented)).contains(position(3));
	}

	@Test
	void deleteForgetsThePosition() {
		String id = streamId("orders");
		repository().save(id, position(1));

		repository().delete(id);

		assertThat(repository().load(id)).isEmpty();
		repository().save(id, position(2));
		assertThat(repository().load(id)).contains(position(2));
	}

	@Test
	void deleteOfUnknownStreamDoesNothing() {
		repository().delete(streamId("never-saved"));

		assertThat(repository().load(streamId("never-saved"))).isEmpty();
	}

	@Test
	void concurrentSavesLeaveOneOfTheSavedValues() throws Exception {
		int threads = 6;
		int savesPerThread = 10;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			// Several rounds, each on a stream that has no row yet, so that the writers
			// also race to create it.
			for (int round = 0; round < 3; round++) {
				String id = streamId("race-" + round);
				CountDownLatch start = new CountDownLatch(1);
				List<StreamPosition> saved = new ArrayList<>();
				List<Future<?>> futures = new ArrayList<>();
				for (int thread = 0; thread < threads; thread++) {
					List<StreamPosition> positions = new ArrayList<>();
					for (int i = 0; i < savesPerThread; i++) {
						positions.add(position(1000 * round + 100 * thread + i));
					}
					saved.addAll(positions);
					futures.add(executor.submit(() -> {
						start.await();
						for (StreamPosition position : positions) {
							repository().save(id, position);
						}
						return null;
					}));
				}
				start.countDown();
				for (Future<?> future : futures) {
					future.get(60, TimeUnit.SECONDS);
				}
				assertThat(repository().load(id)).get().isIn(saved);
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	// --- compareAndSave: the fence between two instances of one stream

	@Test
	void compareAndSaveWritesTheFirstPositionWhenNoneWasExpected() {
		String id = streamId("cas");

		repository().compareAndSave(id, null, position(1));

		assertThat(repository().load(id)).contains(position(1));
	}

	@Test
	void compareAndSaveReplacesTheExpectedPosition() {
		String id = streamId("cas");
		repository().save(id, position(1));

		repository().compareAndSave(id, position(1), position(2));

		assertThat(repository().load(id)).contains(position(2));
	}

	@Test
	void compareAndSaveRefusesAStaleExpectedPositionAndNeverMovesTheStoredOneBack() {
		String id = streamId("cas");
		repository().save(id, position(1));
		// Both instances loaded 1; the other one saved 3 first.
		repository().compareAndSave(id, position(1), position(3));

		assertThatExceptionOfType(PositionConflictException.class)
			.isThrownBy(() -> repository().compareAndSave(id, position(1), position(2)))
			.withMessageContaining("'" + id + "'")
			.withMessageContaining(position(3).toString())
			.withMessageContaining(position(1).toString())
			.withMessageContaining("Another instance with the same vstream.id is running")
			.satisfies((ex) -> {
				assertThat(ex.getStreamId()).isEqualTo(id);
				assertThat(ex.getExpected()).isEqualTo(position(1));
				assertThat(ex.getStored()).isEqualTo(position(3));
			});
		assertThat(repository().load(id)).contains(position(3));
	}

	@Test
	void compareAndSaveRefusesWhenAPositionWasStoredThatWasNotExpected() {
		String id = streamId("cas");
		repository().compareAndSave(id, null, position(1));

		assertThatExceptionOfType(PositionConflictException.class)
			.isThrownBy(() -> repository().compareAndSave(id, null, position(2)))
			.satisfies((ex) -> assertThat(ex.getStored()).isEqualTo(position(1)));
		assertThat(repository().load(id)).contains(position(1));
	}

	@Test
	void compareAndSaveRefusesWhenTheExpectedPositionWasDeleted() {
		String id = streamId("cas");
		repository().save(id, position(1));
		repository().delete(id);

		assertThatExceptionOfType(PositionConflictException.class)
			.isThrownBy(() -> repository().compareAndSave(id, position(1), position(2)))
			.withMessageContaining("but it is none");
		assertThat(repository().load(id)).isEmpty();
	}

	@Test
	void concurrentCompareAndSavesLoseNoUpdate() throws Exception {
		// Each writer moves the position one step from what it loaded, retrying when
		// refused: with a compare-and-set every step counts; with a blind write, steps
		// get lost.
		String id = streamId("cas-race");
		int threads = 4;
		int stepsPerThread = 15;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> futures = new ArrayList<>();
			for (int thread = 0; thread < threads; thread++) {
				futures.add(executor.submit(() -> {
					start.await();
					for (int step = 0; step < stepsPerThread; step++) {
						while (true) {
							StreamPosition loaded = repository().load(id).orElse(null);
							Thread.yield();
							try {
								repository().compareAndSave(id, loaded, position(sequence(loaded) + 1));
								break;
							}
							catch (PositionConflictException ex) {
								// another writer moved it: load again
							}
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(120, TimeUnit.SECONDS);
			}
			assertThat(repository().load(id)).contains(position(threads * stepsPerThread));
		}
		finally {
			executor.shutdownNow();
		}
	}

	/** The {@code n} of a {@link #position(int)}, 0 for none. */
	static int sequence(StreamPosition position) {
		if (position == null) {
			return 0;
		}
		String gtid = position.shards().get(1).gtid();
		return Integer.parseInt(gtid.substring(gtid.lastIndexOf('-') + 1));
	}

	/**
	 * A position with three shards: one in its copy phase with a last primary key, one on
	 * MariaDB GTIDs and one with a MySQL GTID set of two servers. {@code n} makes
	 * positions distinct.
	 */
	static StreamPosition position(int n) {
		QueryResult lastPk = QueryResult.newBuilder()
			.addFields(Field.newBuilder().setName("customer_id").setType(Query.Type.INT64))
			.addFields(Field.newBuilder().setName("email").setType(Query.Type.VARBINARY))
			// customer_id = 42, email = NULL (length -1)
			.addRows(Row.newBuilder()
				.addLengths(2)
				.addLengths(-1)
				.setValues(ByteString.copyFrom("42", StandardCharsets.UTF_8)))
			.build();
		VGtid vgtid = VGtid.newBuilder()
			.addShardGtids(ShardGtid.newBuilder()
				.setKeyspace("commerce")
				.setShard("-80")
				.setGtid("MySQL56/" + MYSQL_UUID + ":1-" + n)
				.addTablePKs(TableLastPK.newBuilder().setTableName("customer").setLastpk(lastPk)))
			.addShardGtids(ShardGtid.newBuilder().setKeyspace("commerce").setShard("80-").setGtid("MariaDB/0-1-" + n))
			.addShardGtids(ShardGtid.newBuilder()
				.setKeyspace("customer")
				.setShard("")
				.setGtid("MySQL56/" + MYSQL_UUID + ":1-" + n + "," + OTHER_UUID + ":1-7"))
			.build();
		return StreamPosition.of(vgtid);
	}

}
