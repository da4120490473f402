package dev.vstream.e2e;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.vstream.actuate.VStreamEndpoint;
import dev.vstream.actuate.VStreamEndpoint.CopyDescriptor;
import dev.vstream.copyapp.CopyApplication;
import dev.vstream.copyapp.CopyApplication.Items;
import dev.vstream.stream.CopyProgress;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The copy's progress against the real vtgate: {@code commerce.copy_item} (30,000 rows,
 * shared with {@link CopyPhaseIT}) copied from the start by a listener that takes a
 * little time per row, so that the copy lasts several seconds. While it runs, the
 * progress shows a growing count, the table's estimate from vtgate, a rate and the time
 * left, in the container, the endpoint and the log; at the end the count is that of the
 * copied rows the listener got.
 */
@ExtendWith(OutputCaptureExtension.class)
class CopyProgressIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final String tag = "progress-" + UUID.randomUUID().toString().substring(0, 8);

	private final InJvmApps apps = new InJvmApps(CopyApplication.class);

	@BeforeAll
	static void fillTable() throws SQLException {
		CopyPhaseIT.fillTable();
	}

	@AfterEach
	void stopApps() {
		this.apps.close();
	}

	@Test
	void copyOfALargeTableShowsRowsCopiedEstimateRateAndTimeLeft(CapturedOutput output) {
		ConfigurableApplicationContext app = this.apps.start(this.tag, "vstream.start-position=copy",
				"vstream.offset-store=memory", "copyapp.row-micros=150", "vstream.copy.progress-log-interval=1s");
		VStreamContainer container = app.getBean(VStreamContainer.class);
		Items items = app.getBean(Items.class);
		VStreamEndpoint endpoint = new VStreamEndpoint(List.of(container));

		CopyProgress early = await().atMost(TIMEOUT)
			.until(() -> copyItem(container), (p) -> p != null && p.rowsCopied() > 0);
		assertThat(early.completed()).as("a copy of several seconds").isFalse();
		assertThat(early.keyspace()).isEqualTo("commerce");
		// InnoDB's estimate of the table's size, through vtgate
		assertThat(early.estimatedRows()).isNotNull().isBetween(CopyPhaseIT.ROWS / 2L, CopyPhaseIT.ROWS * 2L);
		CopyProgress later = await().atMost(TIMEOUT)
			.until(() -> copyItem(container),
					(p) -> p.completed() || (p.rowsCopied() > early.rowsCopied() && p.rowsPerSecond() > 0));
		assertThat(later.completed()).as("still copying after a second").isFalse();
		assertThat(later.remaining()).isNotNull().isPositive();
		assertThat(later.percent()).isBetween(1, 99);

		CopyDescriptor shown = endpoint.streams().streams().get(0).copy().get(0);
		assertThat(shown.state()).isEqualTo("copying");
		assertThat(shown.rowsCopied()).isPositive();
		assertThat(shown.estimatedRows()).isEqualTo(early.estimatedRows());
		System.out.println("CopyProgressIT: /actuator/vstream copy while copying: "
				+ JsonMapper.builder().build().writeValueAsString(endpoint.streams().streams().get(0).copy()));

		CopyProgress done = await().atMost(TIMEOUT).until(() -> copyItem(container), CopyProgress::completed);
		long copiedRows = items.changes.stream().filter((c) -> c.commitTime() == null).count();
		assertThat(done.rowsCopied()).isEqualTo(copiedRows).isGreaterThanOrEqualTo(CopyPhaseIT.ROWS);
		assertThat(done.remaining()).isZero();
		assertThat(done.percent()).isEqualTo(100);
		assertThat(done.completedAt()).isAfter(done.startedAt());
		assertThat(Duration.between(done.startedAt(), done.completedAt())).as("several seconds")
			.isGreaterThan(Duration.ofSeconds(2));
		await().atMost(TIMEOUT).until(() -> container.getState() == StreamState.STREAMING);
		assertThat(endpoint.streams().streams().get(0).copy()).singleElement()
			.satisfies((c) -> assertThat(c.state()).isEqualTo("copied"));
		System.out.println("CopyProgressIT: /actuator/vstream copy after the copy: "
				+ JsonMapper.builder().build().writeValueAsString(endpoint.streams().streams().get(0).copy()));

		String progressLine = "Stream '" + this.tag + "' copying commerce.copy_item: ";
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(output.getOut()).contains(progressLine)
				.contains("Stream '" + this.tag + "' copied commerce.copy_item: " + String.format("%,d", copiedRows)));
		List<String> lines = output.getOut().lines().filter((l) -> l.contains("commerce.copy_item")).toList();
		assertThat(lines).filteredOn((l) -> l.contains(progressLine))
			.anySatisfy(
					(l) -> assertThat(l).containsPattern("[0-9,]+ of ~[0-9,]+ rows \\(\\d+ %\\), [0-9,]+ rows/s, ~"));
		System.out.println("CopyProgressIT: log lines:\n" + String.join("\n", lines));
	}

	@Test
	void theEstimateOfAShardedTableIsTheSumOverItsShards() throws SQLException {
		// other tests may write to the table meanwhile: sizes taken before the copy
		long rows = count("customer", "select count(*) from corder");
		long largestShard = Math.max(count("customer:-80", "select count(*) from corder"),
				count("customer:80-", "select count(*) from corder"));
		ConfigurableApplicationContext app = this.apps.start(this.tag, "vstream.keyspace=customer",
				"vstream.start-position=copy", "vstream.offset-store=memory", "copyapp.items=false",
				"copyapp.orders=true");
		VStreamContainer container = app.getBean(VStreamContainer.class);

		CopyProgress done = await().atMost(TIMEOUT)
			.until(() -> container.getCopyProgress()
				.stream()
				.filter((p) -> p.table().equals("corder"))
				.findFirst()
				.orElse(null), (p) -> p != null && p.completed());
		System.out.println("CopyProgressIT: customer.corder (shards -80, 80-): " + rows + " rows, largest shard "
				+ largestShard + ", estimate " + done.estimatedRows() + ", copied " + done.rowsCopied());
		assertThat(done.keyspace()).isEqualTo("customer");
		assertThat(done.rowsCopied()).isPositive();
		// both shards' estimates: more than the largest shard holds, about the table's
		// size
		assertThat(done.estimatedRows()).isNotNull()
			.isGreaterThan(largestShard + (rows - largestShard) / 2)
			.isLessThan(rows * 2);
	}

	private static long count(String target, String sql) throws SQLException {
		try (Connection connection = LocalVitess.vtgate(target.replaceFirst(":.*", ""))) {
			// a shard target (keyspace:shard), as vtgate takes it in a USE
			connection.setCatalog(target);
			try (ResultSet result = connection.createStatement().executeQuery(sql)) {
				result.next();
				return result.getLong(1);
			}
		}
	}

	private static @Nullable CopyProgress copyItem(VStreamContainer container) {
		return container.getCopyProgress()
			.stream()
			.filter((p) -> p.table().equals("copy_item"))
			.findFirst()
			.orElse(null);
	}

}
