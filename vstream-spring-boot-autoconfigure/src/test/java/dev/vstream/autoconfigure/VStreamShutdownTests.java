package dev.vstream.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import binlogdata.Binlogdata.VGtid;
import dev.vstream.annotation.VStreamListener;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.test.Order;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static dev.vstream.test.vtgate.Events.begin;
import static dev.vstream.test.vtgate.Events.commit;
import static dev.vstream.test.vtgate.Events.corderFields;
import static dev.vstream.test.vtgate.Events.insert;
import static dev.vstream.test.vtgate.Events.response;
import static dev.vstream.test.vtgate.Events.row;
import static dev.vstream.test.vtgate.Events.vgtid;
import static dev.vstream.test.vtgate.Events.vgtidEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A listener that hangs does not hold the application's shutdown beyond Spring's
 * {@code spring.lifecycle.timeout-per-shutdown-phase}: the stream stops asynchronously
 * ({@code SmartLifecycle.stop(Runnable)}) and Spring moves on once the phase times out.
 */
class VStreamShutdownTests {

	@Test
	void hangingListenerDoesNotBlockShutdownBeyondThePhaseTimeout() {
		VGtid reached = vgtid("commerce", "0", "MySQL56/a1b2:1-10");
		HangingListener listener = new HangingListener();
		try (ScriptedVtgate vtgate = new ScriptedVtgate()) {
			vtgate.thenSend(response(begin(), corderFields("commerce", "0"),
					insert("commerce", "0", "corder", row(1, 7, "apple", "1.50")), vgtidEvent(reached), commit()));
			new ApplicationContextRunner()
				.withConfiguration(
						AutoConfigurations.of(LifecycleAutoConfiguration.class, VStreamAutoConfiguration.class))
				.withPropertyValues("vstream.keyspace=commerce", "vstream.offset-store=memory",
						"spring.lifecycle.timeout-per-shutdown-phase=1s")
				.withBean("vstreamChannel", ManagedChannel.class, vtgate::channel)
				.withBean(HangingListener.class, () -> listener)
				.run((context) -> {
					await().until(() -> listener.entered.getCount() == 0);
					VStreamContainer container = context.getBean(VStreamContainer.class);
					try {
						CompletableFuture<Void> closed = CompletableFuture
							.runAsync(() -> context.getSourceApplicationContext().close());
						// The phase times out after 1 s; without an asynchronous stop,
						// close() waits for ever.
						await().atMost(Duration.ofSeconds(5)).until(closed::isDone);
						assertThat(container.isRunning()).isFalse();
					}
					finally {
						listener.release.countDown();
					}
					await().until(() -> container.getState() == StreamState.STOPPED);
				});
		}
	}

	static class HangingListener {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@VStreamListener(table = "corder")
		void on(Order order) throws InterruptedException {
			this.entered.countDown();
			this.release.await();
		}

	}

}
