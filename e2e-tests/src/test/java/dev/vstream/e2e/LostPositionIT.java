package dev.vstream.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.vstream.e2e.E2eApplication.Order;
import dev.vstream.e2e.E2eApplication.Recorder;
import dev.vstream.listener.Operation;
import dev.vstream.listener.RowChange;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.offset.RedisOffsetRepository;
import dev.vstream.stream.StreamStart;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A Redis offset store that lost its data (restarted without persistence: the stream's
 * key is deleted here, on the shared Redis), with the run marker in the application's
 * PostgreSQL: the next start says so at WARN and in the container's start, and with
 * {@code vstream.require-saved-position} refuses to start.
 */
@ExtendWith(OutputCaptureExtension.class)
class LostPositionIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final String tag = "lost-" + UUID.randomUUID().toString().substring(0, 8);

	private final InJvmApps apps = new InJvmApps(E2eApplication.class);

	@AfterEach
	void stopApps() {
		this.apps.close();
	}

	@Test
	void aRedisThatLostThePositionIsReportedAndRefusedWhenASavedPositionIsRequired(CapturedOutput output) {
		ConfigurableApplicationContext first = start();
		VStreamContainer firstContainer = first.getBean(VStreamContainer.class);
		await().atMost(TIMEOUT).until(() -> firstContainer.getState() == StreamState.STREAMING);
		assertThat(firstContainer.getStart().from()).isEqualTo(StreamStart.From.COPY);
		assertThat(firstContainer.getStart().ranBefore()).as("first start of a new stream id").isFalse();
		LocalVitess.execute("commerce",
				"insert into corder (customer_id, sku, price) values (1, '" + this.tag + "-a', 1.50)");
		Recorder firstRecorder = first.getBean(Recorder.class);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(mine(firstRecorder.orders)).hasSize(1));
		OffsetRepository offsets = first.getBean(OffsetRepository.class);
		await().atMost(TIMEOUT).until(() -> offsets.load(this.tag).isPresent());
		first.close();

		deleteRedisKey();

		ConfigurableApplicationContext second = start();
		VStreamContainer container = second.getBean(VStreamContainer.class);
		assertThat(container.getStart().from()).isEqualTo(StreamStart.From.COPY);
		assertThat(container.getStart().positionLost()).isTrue();
		assertThat(output).contains("Stream '" + this.tag + "' has no saved position although it ran before")
			.contains("every existing row of the copied tables is delivered again as an insert");
		// What the WARN line announced: the row handled before is delivered again, as an
		// insert.
		Recorder recorder = second.getBean(Recorder.class);
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(mine(recorder.orders)).singleElement()
				.satisfies((c) -> assertThat(c.op()).isEqualTo(Operation.INSERT)));
		await().atMost(TIMEOUT).until(() -> second.getBean(OffsetRepository.class).load(this.tag).isPresent());
		second.close();

		deleteRedisKey();

		assertThatThrownBy(() -> start("vstream.require-saved-position=true"))
			.hasStackTraceContaining(
					"Stream '" + this.tag + "' refuses to start: it has no saved position although " + "it ran before")
			.hasStackTraceContaining("vstream.require-saved-position=false");
	}

	private ConfigurableApplicationContext start(String... more) {
		List<String> all = new ArrayList<>(List.of("vstream.tables-to-copy=corder", "vstream.offset-store=redis",
				"spring.data.redis.host=" + LocalVitess.get("VSTREAM_TEST_REDIS_HOST"),
				"spring.data.redis.port=" + LocalVitess.get("VSTREAM_TEST_REDIS_PORT"),
				"spring.data.redis.repositories.enabled=false",
				// The run marker's home: the application's own database, not the offset
				// store.
				"spring.datasource.url=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_URL"),
				"spring.datasource.username=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_USER"),
				"spring.datasource.password=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_PASSWORD")));
		all.addAll(List.of(more));
		return this.apps.start(this.tag, all);
	}

	/**
	 * What a Redis restarted without persistence leaves of the stream's position:
	 * nothing.
	 */
	private void deleteRedisKey() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(LocalVitess.get("VSTREAM_TEST_REDIS_HOST"),
				Integer.parseInt(LocalVitess.get("VSTREAM_TEST_REDIS_PORT")));
		factory.afterPropertiesSet();
		factory.start();
		try {
			StringRedisTemplate redis = new StringRedisTemplate(factory);
			assertThat(redis.delete(RedisOffsetRepository.DEFAULT_KEY_PREFIX + this.tag)).isTrue();
		}
		finally {
			factory.destroy();
		}
	}

	private List<RowChange<Order>> mine(List<RowChange<Order>> changes) {
		return changes.stream()
			.filter((c) -> c.after() != null && c.after().sku() != null && c.after().sku().startsWith(this.tag))
			.toList();
	}

}
