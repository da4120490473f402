package dev.vstream.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.TableLastPK;
import binlogdata.Binlogdata.VEvent;
import binlogdata.Binlogdata.VGtid;
import dev.vstream.actuate.VStreamEndpoint;
import dev.vstream.actuate.VStreamEndpoint.CopyDescriptor;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.metrics.MicrometerVStreamMonitor;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.test.MutableClock;
import dev.vstream.test.RecordingOffsets;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.Status;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitess.proto.Topodata.TabletType;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.backoff.FixedBackOff;

import static dev.vstream.test.vtgate.Events.begin;
import static dev.vstream.test.vtgate.Events.commit;
import static dev.vstream.test.vtgate.Events.copied;
import static dev.vstream.test.vtgate.Events.copyCompleted;
import static dev.vstream.test.vtgate.Events.copying;
import static dev.vstream.test.vtgate.Events.corderFields;
import static dev.vstream.test.vtgate.Events.insert;
import static dev.vstream.test.vtgate.Events.order;
import static dev.vstream.test.vtgate.Events.response;
import static dev.vstream.test.vtgate.Events.shardCopyCompleted;
import static dev.vstream.test.vtgate.Events.vgtid;
import static dev.vstream.test.vtgate.Events.vgtidEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The copy's progress ({@link VStreamContainer#getCopyProgress()}, the endpoint's
 * {@code copy}, the {@code vstream.copy.*} meters and the progress log line) against a
 * scripted vtgate that sends a copy as vtgate v0.24 does: batches of rows without a
 * timestamp, each followed by a VGTID whose {@code table_p_ks} carries the last primary
 * key, binlog changes interleaved to catch up, then a VGTID without the table and
 * COPY_COMPLETED.
 */
@ExtendWith(OutputCaptureExtension.class)
class CopyProgressTests {

	private static final String GTID = "MariaDB/0-1-899";

	private final StreamFixture<RecordingOffsets> fixture = StreamFixture.recording();

	private final OrderRecorder orders = new OrderRecorder();

	private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T12:00:00Z"));

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void copiedRowsEstimateRateAndTimeLeftUntilTheCopyCompletes(CapturedOutput output) {
		vtgate().withTableRows("commerce", "0", "corder", 10)
			.thenSend(response(begin(), corderFields("commerce", "0")),
					response(vgtidEvent(vgtid("commerce", "0", GTID))),
					response(copied(1), copied(2), copied(3), vgtidEvent(copying(GTID, 3)), commit()));
		VStreamContainer container = start();

		CopyProgress first = await().until(() -> corder(container), (p) -> p != null && p.rowsCopied() == 3);
		assertThat(first.keyspace()).isEqualTo("commerce");
		assertThat(first.estimatedRows()).isEqualTo(10);
		assertThat(first.percent()).isEqualTo(30);
		assertThat(first.completed()).isFalse();
		assertThat(first.resumed()).isFalse();
		// no rate before a second has passed
		assertThat(first.rowsPerSecond()).isZero();
		assertThat(first.remaining()).isNull();
		assertThat(first.startedAt()).isEqualTo(this.clock.instant());

		this.clock.advance(Duration.ofSeconds(2));
		// a binlog change vtgate interleaves to catch up is not a copied row
		vtgate().send(response(copied(4), copied(5), copied(6), vgtidEvent(copying(GTID, 6)), commit()),
				response(begin(), insert("commerce", "0", "corder", order(100)),
						vgtidEvent(copying("MariaDB/0-1-900", 6)), commit()));
		await().until(() -> this.orders.ids().size() == 7);
		CopyProgress second = corder(container);
		assertThat(this.orders.ids()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 100L);
		assertThat(second.rowsCopied()).isEqualTo(6);
		assertThat(second.rowsPerSecond()).isEqualTo(3.0);
		assertThat(second.remaining()).isEqualTo(Duration.ofSeconds(2));
		assertThat(second.percent()).isEqualTo(60);
		assertThat(output.getOut()).contains("Stream 'test' copying commerce.corder, ~10 rows estimated")
			.contains("Stream 'test' copying commerce.corder: 6 of ~10 rows (60 %), 3 rows/s, ~2 s left");
		assertThat(meter(MicrometerVStreamMonitor.COPY_ROWS).counter().count()).isEqualTo(6);
		assertThat(meter(MicrometerVStreamMonitor.COPY_ROWS_ESTIMATED).gauge().value()).isEqualTo(10);
		assertThat(meter(MicrometerVStreamMonitor.COPY_REMAINING).timeGauge().value(TimeUnit.SECONDS)).isEqualTo(2);

		this.clock.advance(Duration.ofSeconds(1));
		vtgate().send(response(copied(7), copied(8), copied(9), vgtidEvent(vgtid("commerce", "0", "MariaDB/0-1-900")),
				commit()), response(shardCopyCompleted("commerce", "0"), copyCompleted()));
		await().until(() -> container.getState() == StreamState.STREAMING);
		CopyProgress done = corder(container);
		assertThat(done.completed()).isTrue();
		assertThat(done.rowsCopied()).isEqualTo(9);
		assertThat(done.remaining()).isZero();
		assertThat(done.percent()).isEqualTo(100);
		assertThat(done.completedAt()).isEqualTo(this.clock.instant());
		assertThat(output.getOut()).contains("Stream 'test' copied commerce.corder: 9 rows in 3 s (3 rows/s)");
		assertThat(meter(MicrometerVStreamMonitor.COPY_ROWS).counter().count()).isEqualTo(9);
		assertThat(meter(MicrometerVStreamMonitor.COPY_REMAINING).timeGauge().value(TimeUnit.SECONDS)).isZero();
		List<CopyDescriptor> shown = new VStreamEndpoint(List.of(container)).streams().streams().get(0).copy();
		assertThat(shown).singleElement().satisfies((c) -> {
			assertThat(c.state()).isEqualTo("copied");
			assertThat(c.rowsCopied()).isEqualTo(9);
			assertThat(c.estimatedRows()).isEqualTo(10);
			assertThat(c.percent()).isEqualTo(100);
			assertThat(c.rowsPerSecond()).isEqualTo(3);
			assertThat(c.remainingSeconds()).isZero();
		});
	}

	@Test
	void aBatchCutOffBeforeItsPositionIsCountedOnceWhenItComesAgain() {
		// The shapes of VStreamResilienceTests' copy resumed after a transient error.
		vtgate().thenFail(Status.UNAVAILABLE.withDescription("vttablet: connection reset"),
				response(begin(), corderFields("commerce", "0")), response(vgtidEvent(vgtid("commerce", "0", GTID))),
				response(copied(1), copied(2), copied(3), vgtidEvent(copying(GTID, 3)), commit()),
				response(copied(4), copied(5)))
			.thenSend(response(begin(), corderFields("commerce", "0")), response(vgtidEvent(copying(GTID, 3))),
					response(copied(4), copied(5), copied(6), vgtidEvent(copying(GTID, 6)), commit()),
					response(begin(), vgtidEvent(vgtid("commerce", "0", GTID)), commit()),
					response(shardCopyCompleted("commerce", "0"), copyCompleted()));
		VStreamContainer container = start();

		await().until(() -> container.getState() == StreamState.STREAMING);
		assertThat(this.orders.ids()).containsExactly(1L, 2L, 3L, 4L, 5L, 4L, 5L, 6L);
		CopyProgress done = corder(container);
		assertThat(done.rowsCopied()).isEqualTo(6);
		assertThat(done.completed()).isTrue();
		// the scripted vtgate knows no estimate
		assertThat(done.estimatedRows()).isNull();
		assertThat(done.percent()).isEqualTo(100);
	}

	@Test
	void aResumedCopyCountsFromTheSavedPrimaryKeyAndSaysSo(CapturedOutput output) {
		offsets().save("test", StreamPosition.of(copying(GTID, 3)));
		vtgate().withTableRows("commerce", "0", "corder", 10)
			.thenSend(response(begin(), corderFields("commerce", "0")), response(vgtidEvent(copying(GTID, 3))),
					response(copied(4), copied(5), copied(6), vgtidEvent(copying(GTID, 6)), commit()));
		VStreamContainer container = start();

		CopyProgress progress = await().until(() -> corder(container), (p) -> p != null && p.rowsCopied() == 3);
		assertThat(progress.resumed()).isTrue();
		assertThat(progress.completed()).isFalse();
		assertThat(output.getOut())
			.contains("Stream 'test' copying commerce.corder, ~10 rows estimated, resumed after the saved primary key");
	}

	@Test
	void aStreamThatCopiesNothingShowsNoCopy() {
		vtgate().thenSend(response(begin(), corderFields("commerce", "0"), insert("commerce", "0", "corder", order(1)),
				vgtidEvent(vgtid("commerce", "0", GTID)), commit()));
		VStreamContainer container = start();

		await().until(() -> this.orders.ids().size() == 1);
		assertThat(container.getCopyProgress()).isEmpty();
		assertThat(new VStreamEndpoint(List.of(container)).streams().streams().get(0).copy()).isNull();
	}

	@Test
	void aTableOfSeveralShardsIsCopiedOnceEveryShardIsPastIt() {
		vtgate().thenSend(response(begin(), corderFields("customer", "-80"), corderFields("customer", "80-")),
				response(copiedCustomer("-80", 1), copiedCustomer("-80", 2),
						vgtidEvent(customer(shard("-80", GTID, 2), shard("80-", "", 0))), commit()),
				// -80 is past the table, 80- has not begun it
				response(begin(), vgtidEvent(customer(shard("-80", GTID, 0), shard("80-", "", 0))), commit()));
		VStreamContainer container = start("customer");

		await().until(() -> corder(container) != null && corder(container).rowsCopied() == 2
				&& container.getPosition().shards().get(0).copyingTables().isEmpty());
		assertThat(corder(container).completed()).isFalse();

		vtgate().send(
				response(copiedCustomer("80-", 3), vgtidEvent(customer(shard("-80", GTID, 0), shard("80-", GTID, 3))),
						commit()),
				response(begin(), vgtidEvent(customer(shard("-80", GTID, 0), shard("80-", GTID, 0))), commit()));
		await().until(() -> corder(container).completed());
		assertThat(corder(container).rowsCopied()).isEqualTo(3);
	}

	private static VEvent copiedCustomer(String shard, long orderId) {
		return insert("customer", shard, "corder", order(orderId)).toBuilder().setTimestamp(0).build();
	}

	/** A shard of customer, copying corder after {@code lastOrderId} unless it is 0. */
	private static ShardGtid shard(String shard, String gtid, long lastOrderId) {
		ShardGtid.Builder builder = ShardGtid.newBuilder().setKeyspace("customer").setShard(shard).setGtid(gtid);
		if (lastOrderId > 0) {
			builder.addTablePKs(TableLastPK.newBuilder()
				.setTableName("corder")
				.setLastpk(copying(GTID, lastOrderId).getShardGtids(0).getTablePKs(0).getLastpk()));
		}
		return builder.build();
	}

	private static VGtid customer(ShardGtid... shards) {
		return VGtid.newBuilder().addAllShardGtids(List.of(shards)).build();
	}

	@Test
	void logLineDurations() {
		assertThat(CopyProgressTracker.duration(Duration.ofSeconds(45))).isEqualTo("45 s");
		assertThat(CopyProgressTracker.duration(Duration.ofMinutes(12))).isEqualTo("12 min");
		assertThat(CopyProgressTracker.duration(Duration.ofMinutes(200))).isEqualTo("3 h 20 min");
	}

	private VStreamContainer start() {
		return start("commerce");
	}

	private VStreamContainer start(String keyspace) {
		VStreamSettings settings = new VStreamSettings("test", keyspace, StartPosition.COPY, TabletType.PRIMARY,
				Duration.ofSeconds(1), false, new FixedBackOff(10, Long.MAX_VALUE), List.of());
		DefaultVStreamContainer container = this.fixture.container(settings, VStreamErrorHandler.stopStream(),
				this.fixture.endpoint("orders", "corder", this.orders, "on"));
		container.setClock(this.clock);
		container.setMonitor(new MicrometerVStreamMonitor(this.meters, null, null));
		container.getContainerOptions().setCopyProgressLogInterval(Duration.ofSeconds(1));
		return this.fixture.start(container);
	}

	private static @Nullable CopyProgress corder(VStreamContainer container) {
		return container.getCopyProgress().stream().filter((p) -> p.table().equals("corder")).findFirst().orElse(null);
	}

	private RequiredSearch meter(String name) {
		return this.meters.get(name).tags("stream", "test", "keyspace", "commerce", "table", "corder");
	}

	private ScriptedVtgate vtgate() {
		return this.fixture.vtgate();
	}

	private RecordingOffsets offsets() {
		return this.fixture.offsets();
	}

}
