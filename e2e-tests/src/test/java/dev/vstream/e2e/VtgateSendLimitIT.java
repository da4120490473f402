package dev.vstream.e2e;

import java.time.Duration;
import java.util.UUID;

import dev.vstream.e2e.E2eApplication.Recorder;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A row larger than vtgate may send (its {@code --grpc-max-message-size}, 16 MiB by
 * default): vtgate fails every attempt at it with {@code RESOURCE_EXHAUSTED}. The stream
 * must fail with a message that says what to do, its position left before that row,
 * instead of reconnecting for ever while looking healthy.
 */
class VtgateSendLimitIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(90);

	private final String table = "big_row_" + UUID.randomUUID().toString().substring(0, 8);

	private final InJvmApps apps = new InJvmApps(E2eApplication.class);

	@AfterEach
	void cleanUp() {
		this.apps.close();
		LocalVitess.execute("commerce", "drop table if exists " + this.table);
	}

	@Test
	void rowLargerThanVtgateMaySendFailsTheStreamWithWhatToDo() {
		LocalVitess.execute("commerce",
				"create table " + this.table + " (order_id bigint primary key, payload longblob)");
		// Without projection: the listener's record maps no payload column, so vtgate
		// would
		// otherwise never send the large value at all.
		ConfigurableApplicationContext app = this.apps.start(this.table, "vstream.offset-store=memory",
				"vstream.start-position=current", "vstream.reconnect.initial-interval=100ms",
				"vstream.auto-project=false", "e2e.order-table=" + this.table);
		VStreamContainer container = app.getBean(VStreamContainer.class);
		Recorder recorder = app.getBean(Recorder.class);
		OffsetRepository offsets = app.getBean(OffsetRepository.class);
		await().atMost(TIMEOUT).until(() -> container.getState() == StreamState.STREAMING);

		LocalVitess.execute("commerce", "insert into " + this.table + " values (1, 'small')");
		await().atMost(TIMEOUT).until(() -> recorder.orders.size() == 1);
		// 17 MiB, made by MariaDB: the statement itself is small.
		LocalVitess.execute("commerce", "insert into " + this.table + " values (2, repeat('x', 17 * 1024 * 1024))");

		await().atMost(TIMEOUT).until(() -> container.getState() == StreamState.FAILED);
		assertThat(container.getLastError()).hasMessageContaining("--grpc-max-message-size")
			.hasMessageContaining("vstream.vtgate.max-inbound-message-size")
			.hasMessageContaining("trying to send message larger than max");
		assertThat(container.getReconnects()).isZero();
		assertThat(recorder.orders).hasSize(1);
		// The position stays before the row: a restart meets it again rather than
		// skipping it.
		assertThat(container.getPosition()).isNotNull();
		assertThat(offsets.load(this.table)).contains(container.getPosition());
	}

}
