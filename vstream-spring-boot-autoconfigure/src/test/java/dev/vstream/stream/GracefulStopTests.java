package dev.vstream.stream;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;

import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.offset.JdbcOffsetRepository;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.stream.VStreamDeliveryTests.EffectWriter;
import dev.vstream.stream.VStreamDeliveryTests.Recorder;
import dev.vstream.stream.VStreamDeliveryTests.TransactionRecorder;
import dev.vstream.test.RecordingOffsets;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.vitess.proto.Vtgate.VStreamResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;

import static dev.vstream.test.StreamFixture.position;
import static dev.vstream.test.vtgate.Events.begin;
import static dev.vstream.test.vtgate.Events.commit;
import static dev.vstream.test.vtgate.Events.corderFields;
import static dev.vstream.test.vtgate.Events.insert;
import static dev.vstream.test.vtgate.Events.order;
import static dev.vstream.test.vtgate.Events.response;
import static dev.vstream.test.vtgate.Events.transaction;
import static dev.vstream.test.vtgate.Events.vgtid;
import static dev.vstream.test.vtgate.Events.vgtidEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A graceful stop (stop(), the application's shutdown, SIGTERM) that finds a transaction
 * split over several of vtgate's responses reads the rest of it, hands it to the
 * listeners and saves the position at its commit; it gives up only after the stop
 * timeout, and says so. A stop between transactions stays prompt.
 */
@ExtendWith(OutputCaptureExtension.class)
class GracefulStopTests {

	private final StreamFixture<RecordingOffsets> fixture = StreamFixture.recording();

	private final ScriptedVtgate vtgate = this.fixture.vtgate();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void aStopInTheMiddleOfATransactionWaitsForItsRestAndSavesItsCommit() {
		this.vtgate.thenSend(transaction(1), firstPart(2));
		Recorder rows = new Recorder();
		TransactionRecorder transactions = new TransactionRecorder();
		DefaultVStreamContainer container = container(this.fixture.offsets(),
				this.fixture.endpoint("rows", "corder", rows, "onChange"),
				this.fixture.endpoint("tx", "corder", transactions, "onTransaction"));
		container.start();
		await().until(() -> rows.changes.size() == 2);
		CountDownLatch stopped = new CountDownLatch(1);
		container.stop(stopped::countDown);
		assertThat(stopped.getCount()).as("still waiting for the rest of the transaction").isOne();
		this.vtgate.send(rest(2, 3));
		await().until(() -> stopped.getCount() == 0);
		assertThat(rows.changes).extracting((c) -> c.after().orderId()).containsExactly(1L, 2L, 3L);
		assertThat(transactions.transactions).extracting((t) -> t.stream().map((c) -> c.after().orderId()).toList())
			.containsExactly(List.of(1L), List.of(2L, 3L));
		assertThat(this.fixture.offsets().load("test")).contains(position(2));
		assertThat(container.getState()).isEqualTo(StreamState.STOPPED);
		container.start();
		await().until(() -> this.vtgate.requests().size() == 2);
		assertThat(this.vtgate.requests().get(1).getVgtid()).as("the restart resumes after the whole transaction")
			.isEqualTo(position(2).toVGtid());
	}

	@Test
	void transactionalListenersCommitTheHandledTransactionsWithTheirPositionOnStop() {
		DataSource dataSource = new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2)
			.generateUniqueName(true)
			.build();
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		jdbc.execute("create table effect (order_id bigint)");
		JdbcOffsetRepository offsets = new JdbcOffsetRepository(jdbc);
		offsets.createTableIfMissing();
		this.vtgate.thenSend(transaction(1), transaction(2), transaction(3), firstPart(4));
		EffectWriter writer = new EffectWriter(jdbc);
		DefaultVStreamContainer container = container(offsets,
				this.fixture.endpoint("writer", "corder", writer, "write"));
		container.getContainerOptions().setTransactionManager(new DataSourceTransactionManager(dataSource));
		container.getContainerOptions().setCheckpointPolicy(new CheckpointPolicy(5, Duration.ZERO));
		container.start();
		await().until(() -> writer.calls.get() == 4);
		assertThat(offsets.load("test")).as("three of five transactions: not saved yet").isEmpty();
		CountDownLatch stopped = new CountDownLatch(1);
		container.stop(stopped::countDown);
		this.vtgate.send(rest(4, 5));
		await().until(() -> stopped.getCount() == 0);
		assertThat(jdbc.queryForList("select order_id from effect order by order_id", Long.class))
			.as("the handled transactions and the one in hand, committed")
			.containsExactly(1L, 2L, 3L, 4L, 5L);
		assertThat(offsets.load("test")).contains(position(4));
		assertThat(writer.calls).as("each order written once").hasValue(5);
	}

	@Test
	void aStopWhoseTransactionNeverEndsGivesUpAfterTheStopTimeoutAndSaysSo(CapturedOutput output) {
		this.vtgate.thenSend(transaction(1), firstPart(2));
		Recorder rows = new Recorder();
		DefaultVStreamContainer container = container(this.fixture.offsets(),
				this.fixture.endpoint("rows", "corder", rows, "onChange"));
		container.getContainerOptions().setStopTimeout(Duration.ofMillis(500));
		container.start();
		await().until(() -> rows.changes.size() == 2);
		long started = System.nanoTime();
		container.stop();
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		assertThat(took).isBetween(Duration.ofMillis(500), Duration.ofSeconds(5));
		assertThat(container.getState()).isEqualTo(StreamState.STOPPED);
		assertThat(this.fixture.offsets().load("test")).as("before the unfinished transaction").contains(position(1));
		assertThat(output).contains("WARN")
			.contains("Stream 'test' stopped in the middle of a transaction: the rest of it did not arrive within "
					+ "vstream.stop-timeout (500 ms). The transaction comes again whole on the next start, which "
					+ "resumes from " + position(1));
	}

	@Test
	void aStopBetweenTransactionsIsPromptWhateverTheStopTimeout(CapturedOutput output) {
		this.vtgate.thenSend(transaction(1));
		DefaultVStreamContainer container = container(this.fixture.offsets(),
				this.fixture.endpoint("rows", "corder", new Recorder(), "onChange"));
		container.getContainerOptions().setStopTimeout(Duration.ofMinutes(1));
		container.start();
		await().until(() -> position(1).equals(container.getSavedPosition()));
		long started = System.nanoTime();
		container.stop();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
		assertThat(container.getState()).isEqualTo(StreamState.STOPPED);
		assertThat(this.fixture.offsets().saved).containsExactly(position(1));
		assertThat(output).doesNotContain("in the middle of a transaction");
	}

	/** The first response of transaction {@code orderId}: its first row only. */
	private static VStreamResponse firstPart(long orderId) {
		return response(begin(), corderFields("commerce", "0"), insert("commerce", "0", "corder", order(orderId)));
	}

	/** The response that ends transaction {@code transaction} with one more row. */
	private static VStreamResponse rest(long transaction, long orderId) {
		return response(insert("commerce", "0", "corder", order(orderId)),
				vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-" + transaction)), commit());
	}

	private DefaultVStreamContainer container(OffsetRepository offsets, VStreamListenerEndpoint... endpoints) {
		// No copy phase: see VStreamContainerTests.
		return this.fixture.container(StreamFixture.settings("commerce", StartPosition.CURRENT, Duration.ZERO),
				this.vtgate.channel(), offsets, List.of(endpoints), VStreamErrorHandler.stopStream());
	}

}
