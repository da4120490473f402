package dev.vstream.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.vstream.annotation.VStreamListener;
import dev.vstream.listener.ErrorRecovery;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.test.Order;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.backoff.BackOffExecution;

import static dev.vstream.test.StreamFixture.position;
import static dev.vstream.test.vtgate.Events.transaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code vstream.error.*} as a streaming application sees it: the retries of a failing
 * listener and what happens once they are spent, also when the listener's annotation says
 * otherwise.
 */
class ListenerErrorPropertiesTests {

	private final ScriptedVtgate vtgate = new ScriptedVtgate();

	private final ApplicationContextRunner runner = AutoConfigurationContexts.withEmbeddedOffsets()
		.withPropertyValues("vstream.offset-store=memory", "vstream.verify-tables=false")
		.withBean("vstreamChannel", ManagedChannel.class, this.vtgate::channel);

	@AfterEach
	void close() {
		this.vtgate.close();
	}

	@Test
	void retryPropertiesShapeTheListenerRetryBackOff() {
		VStreamProperties.Error.Retry retry = new VStreamProperties().getError().getRetry();
		retry.setAttempts(4);
		retry.setInitialInterval(Duration.ofMillis(100));
		retry.setMultiplier(3);
		retry.setMaxInterval(Duration.ofMillis(500));
		BackOffExecution execution = VStreamAutoConfiguration.listenerRetryBackOff(retry).start();
		List<Long> delays = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			delays.add(execution.nextBackOff());
		}
		assertThat(delays).containsExactly(100L, 300L, 500L, 500L, BackOffExecution.STOP);
	}

	@Test
	void aFailingListenerIsCalledOnceAndThenAsOftenAsConfiguredBeforeTheStreamStops() {
		this.vtgate.thenSend(transaction(1));
		this.runner
			.withPropertyValues("vstream.error.retry.attempts=2", "vstream.error.retry.initial-interval=200ms",
					"vstream.error.retry.multiplier=1", "vstream.error.recovery=stop")
			.withBean(Failing.class)
			.run((context) -> {
				VStreamContainer container = context.getBean(VStreamContainer.class);
				await().until(container::getState, StreamState.FAILED::equals);
				Failing listener = context.getBean(Failing.class);
				assertThat(listener.calls).hasSize(3);
				// Lower bounds only: a loaded machine may wait longer, never shorter.
				assertThat(listener.calls.get(1) - listener.calls.get(0)).isGreaterThanOrEqualTo(200_000_000L);
				assertThat(listener.calls.get(2) - listener.calls.get(1)).isGreaterThanOrEqualTo(200_000_000L);
				assertThat(container.getPosition()).isNotEqualTo(position(1));
			});
	}

	@Test
	void theAnnotationsErrorRecoveryOverridesTheProperty() {
		this.vtgate.thenSend(transaction(1), transaction(2));
		this.runner
			.withPropertyValues("vstream.error.retry.attempts=1", "vstream.error.retry.initial-interval=10ms",
					"vstream.error.recovery=stop")
			.withBean(Skipping.class)
			.run((context) -> {
				VStreamContainer container = context.getBean(VStreamContainer.class);
				Skipping listener = context.getBean(Skipping.class);
				await().until(() -> position(2).equals(container.getPosition()));
				// order 1 twice (failed, retried once), then skipped; order 2 handled
				assertThat(listener.orders).containsExactly(1L, 1L, 2L);
				assertThat(container.getState()).isNotEqualTo(StreamState.FAILED);
			});
	}

	static class Failing {

		final List<Long> calls = new CopyOnWriteArrayList<>();

		@VStreamListener(table = "corder")
		void on(Order order) {
			this.calls.add(System.nanoTime());
			throw new IllegalStateException("cannot project " + order.orderId());
		}

	}

	static class Skipping {

		final List<Long> orders = new CopyOnWriteArrayList<>();

		@VStreamListener(table = "corder", errorRecovery = ErrorRecovery.SKIP)
		void on(Order order) {
			this.orders.add(order.orderId());
			if (order.orderId() == 1) {
				throw new IllegalStateException("cannot project " + order.orderId());
			}
		}

	}

}
