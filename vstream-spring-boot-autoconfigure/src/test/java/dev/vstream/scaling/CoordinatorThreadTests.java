package dev.vstream.scaling;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A coordinator's rounds and its last task (the release of its locks, which belong to the
 * thread that took them) all run on one thread, and {@code stop} returns once the last
 * task ran.
 */
class CoordinatorThreadTests {

	@Test
	void roundsAndTheLastTaskRunOnOneThreadAndStopWaitsForTheLastTask() {
		CoordinatorThread thread = new CoordinatorThread("vstream-test-coordinator", false);
		Set<Thread> threads = ConcurrentHashMap.newKeySet();
		AtomicInteger rounds = new AtomicInteger();
		thread.start(() -> {
			threads.add(Thread.currentThread());
			rounds.incrementAndGet();
		}, Duration.ZERO, Duration.ofMillis(10));
		await().atMost(Duration.ofSeconds(5)).until(() -> rounds.get() >= 3);

		AtomicReference<Thread> last = new AtomicReference<>();
		thread.stop(() -> last.set(Thread.currentThread()), true);

		assertThat(last.get()).as("last task ran before stop returned").isNotNull();
		assertThat(threads).containsExactly(last.get());
		assertThat(last.get().getName()).startsWith("vstream-test-coordinator-");
		assertThat(last.get().isDaemon()).isFalse();
		int stoppedAt = rounds.get();
		await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> rounds.get() == stoppedAt);
	}

	@Test
	void aRoundThatThrowsDoesNotEndTheRounds() {
		CoordinatorThread thread = new CoordinatorThread("vstream-test-coordinator", true);
		AtomicInteger rounds = new AtomicInteger();
		thread.start(() -> {
			rounds.incrementAndGet();
			throw new IllegalStateException("round failed");
		}, Duration.ZERO, Duration.ofMillis(10));
		await().atMost(Duration.ofSeconds(5)).until(() -> rounds.get() >= 3);
		thread.stop(null, true);
	}

}
