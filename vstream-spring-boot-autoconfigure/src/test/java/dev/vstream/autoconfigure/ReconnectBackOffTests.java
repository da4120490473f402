package dev.vstream.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.vstream.annotation.VStreamListener;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.test.Order;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What each {@code vstream.reconnect.*} property does to the delays between reconnect
 * attempts, read from the back-off the configured stream uses.
 */
class ReconnectBackOffTests {

	private final ApplicationContextRunner runner = AutoConfigurationContexts.withEmbeddedOffsets()
		.withPropertyValues("vstream.offset-store=memory", "vstream.auto-startup=false");

	@Test
	void initialIntervalMultiplierAndMaxIntervalShapeTheDelays() {
		withBackOff(
				(backOff) -> assertThat(delays(backOff.start(), 6)).containsExactly(100L, 300L, 900L, 1000L, 1000L,
						1000L),
				"vstream.reconnect.initial-interval=100ms", "vstream.reconnect.multiplier=3",
				"vstream.reconnect.max-interval=1s", "vstream.reconnect.jitter=0");
	}

	@Test
	void defaultsAreOneSecondDoublingUpToThirtySecondsWithoutLimit() {
		withBackOff((backOff) -> {
			List<Long> delays = delays(backOff.start(), 100);
			// Jitter (500 ms by default) keeps the delay within [1 s, 1.5 s] at first.
			assertThat(delays.get(0)).isBetween(1000L, 1500L);
			assertThat(delays.subList(10, 100)).allSatisfy((delay) -> assertThat(delay).isBetween(1000L, 30_000L))
				.doesNotContain(BackOffExecution.STOP);
		});
	}

	@Test
	void jitterVariesEachDelayWithinItsBoundsScaledByTheDelay() {
		withBackOff((backOff) -> {
			List<Long> first = new ArrayList<>();
			List<Long> second = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				BackOffExecution execution = backOff.start();
				first.add(execution.nextBackOff());
				second.add(execution.nextBackOff());
			}
			// Spring's ExponentialBackOff: never below the initial interval, and the
			// jitter grows with the delay (the second delay, 2 s, varies by twice 300
			// ms).
			assertThat(first).allSatisfy((delay) -> assertThat(delay).isBetween(1000L, 1300L));
			assertThat(second).allSatisfy((delay) -> assertThat(delay).isBetween(1400L, 2600L));
			assertThat(first.stream().distinct().count()).as("jitter varies the delays").isGreaterThan(1);
		}, "vstream.reconnect.initial-interval=1s", "vstream.reconnect.multiplier=2",
				"vstream.reconnect.max-interval=10s", "vstream.reconnect.jitter=300ms");
	}

	@Test
	void jitterIsCappedAtTheInitialInterval() {
		withBackOff((backOff) -> {
			for (int i = 0; i < 200; i++) {
				// Uncapped, 5 s of jitter would spread the first delay over [1 s, 6 s].
				assertThat(backOff.start().nextBackOff()).isBetween(1000L, 2000L);
			}
		}, "vstream.reconnect.initial-interval=1s", "vstream.reconnect.jitter=5s");
	}

	@Test
	void maxElapsedTimeStopsOnceTheDelaysWaitedReachIt() {
		withBackOff(
				(backOff) -> assertThat(delays(backOff.start(), 4)).containsExactly(100L, 300L, 900L,
						BackOffExecution.STOP),
				"vstream.reconnect.initial-interval=100ms", "vstream.reconnect.multiplier=3",
				"vstream.reconnect.max-interval=1s", "vstream.reconnect.jitter=0",
				"vstream.reconnect.max-elapsed-time=1s");
	}

	@Test
	void streamFailsOnceMaxElapsedTimeRanOut() {
		try (ScriptedVtgate vtgate = new ScriptedVtgate()) {
			for (int i = 0; i < 20; i++) {
				vtgate.thenFail(Status.UNAVAILABLE.withDescription("vtgate is down"));
			}
			AutoConfigurationContexts.withEmbeddedOffsets()
				.withPropertyValues("vstream.offset-store=memory", "vstream.verify-tables=false",
						"vstream.reconnect.initial-interval=20ms", "vstream.reconnect.multiplier=2",
						"vstream.reconnect.jitter=0", "vstream.reconnect.max-elapsed-time=200ms")
				.withBean("vstreamChannel", ManagedChannel.class, vtgate::channel)
				.withBean(Projection.class)
				.run((context) -> {
					VStreamContainer container = context.getBean(VStreamContainer.class);
					await().until(container::getState, StreamState.FAILED::equals);
					assertThat(container.getLastError()).hasMessageContaining("gave up reconnecting")
						.hasMessageContaining("UNAVAILABLE");
					// 20 + 40 + 80 + 160 ms waited reach 200 ms: the fifth failure is the
					// last.
					assertThat(vtgate.requests()).hasSize(5);
				});
		}
	}

	private void withBackOff(Consumer<BackOff> assertions, String... properties) {
		this.runner.withPropertyValues(properties)
			.run((context) -> assertions
				.accept(context.getBean(VStreamContainer.class).getSettings().reconnectBackOff()));
	}

	private static List<Long> delays(BackOffExecution execution, int count) {
		List<Long> delays = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			delays.add(execution.nextBackOff());
		}
		return delays;
	}

	static class Projection {

		@VStreamListener(table = "corder")
		void on(Order order) {
		}

	}

}
