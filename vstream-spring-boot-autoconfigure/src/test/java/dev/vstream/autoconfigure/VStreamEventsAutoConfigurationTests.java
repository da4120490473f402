package dev.vstream.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.vstream.annotation.VStreamListener;
import dev.vstream.stream.DefaultVStreamContainer;
import dev.vstream.stream.VStreamEvent;
import dev.vstream.stream.VStreamIdleEvent;
import dev.vstream.stream.VStreamStartedEvent;
import dev.vstream.stream.VStreamStoppedEvent;
import dev.vstream.test.Order;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.ManagedChannel;
import io.vitess.proto.Vtgate.VStreamResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

import static dev.vstream.test.vtgate.Events.begin;
import static dev.vstream.test.vtgate.Events.commit;
import static dev.vstream.test.vtgate.Events.corderFields;
import static dev.vstream.test.vtgate.Events.heartbeat;
import static dev.vstream.test.vtgate.Events.insert;
import static dev.vstream.test.vtgate.Events.response;
import static dev.vstream.test.vtgate.Events.row;
import static dev.vstream.test.vtgate.Events.vgtid;
import static dev.vstream.test.vtgate.Events.vgtidEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The auto-configured stream publishes its events to the application, takes
 * {@code vstream.idle-event-interval}, runs on virtual threads when Spring Boot's
 * threading says so, and applies {@link VStreamContainerCustomizer} beans in order.
 */
class VStreamEventsAutoConfigurationTests {

	private final ScriptedVtgate vtgate = new ScriptedVtgate();

	@AfterEach
	void close() {
		this.vtgate.close();
	}

	@Test
	void eventsReachTheApplicationsListeners() {
		this.vtgate.thenSend(order(1));
		List<VStreamEvent> seen = new CopyOnWriteArrayList<>();
		runner().withPropertyValues("vstream.idle-event-interval=100ms")
			.withBean(EventRecorder.class, () -> new EventRecorder(seen))
			.run((context) -> {
				Projection projection = context.getBean(Projection.class);
				await().until(() -> projection.threads.size() == 1);
				await().until(() -> {
					this.vtgate.send(response(heartbeat()));
					return seen.stream().anyMatch(VStreamIdleEvent.class::isInstance);
				});
				assertThat(seen).first().isInstanceOf(VStreamStartedEvent.class);
			});
		assertThat(seen).last()
			.isInstanceOfSatisfying(VStreamStoppedEvent.class,
					(stopped) -> assertThat(stopped.getReason()).isEqualTo(VStreamStoppedEvent.Reason.NORMAL));
	}

	@Test
	void theStreamThreadIsVirtualOnlyWhereSpringBootsThreadingIsVirtual() {
		this.vtgate.thenSend(order(1));
		runner().withPropertyValues("spring.threads.virtual.enabled=true").run((context) -> {
			Projection projection = context.getBean(Projection.class);
			await().until(() -> projection.threads.size() == 1);
			// Spring Boot uses virtual threads from Java 21 on.
			assertThat(projection.threads.get(0))
				.isEqualTo((Runtime.version().feature() >= 21) ? "vstream-default-0" : "vstream-default");
		});
	}

	@Test
	void customizersAreAppliedInOrderAfterTheProperties() {
		this.vtgate.thenSend(order(1));
		runner().withPropertyValues("vstream.idle-event-interval=5s")
			.withBean("unordered", VStreamContainerCustomizer.class,
					() -> (container) -> container.setTaskExecutor(new SimpleAsyncTaskExecutor("unordered-")))
			.withBean("ordered", VStreamContainerCustomizer.class, () -> new OrderedCustomizer("ordered-"))
			.run((context) -> {
				Projection projection = context.getBean(Projection.class);
				await().until(() -> projection.threads.size() == 1);
				// Unordered customizers come last, whatever the order of registration.
				assertThat(projection.threads.get(0)).startsWith("unordered-");
			});
	}

	private ApplicationContextRunner runner() {
		return AutoConfigurationContexts.withEmbeddedOffsets()
			.withBean("vstreamChannel", ManagedChannel.class, this.vtgate::channel)
			.withBean(Projection.class);
	}

	private static VStreamResponse order(long id) {
		return response(begin(), corderFields("commerce", "0"),
				insert("commerce", "0", "corder", row(id, 7, "apple", "1.50")),
				vgtidEvent(vgtid("commerce", "0", "MySQL56/a1b2:1-" + id)), commit());
	}

	record OrderedCustomizer(String threadPrefix) implements VStreamContainerCustomizer, Ordered {

		@Override
		public void customize(DefaultVStreamContainer container) {
			container.setTaskExecutor(new SimpleAsyncTaskExecutor(this.threadPrefix));
		}

		@Override
		public int getOrder() {
			return 2;
		}

	}

	static class EventRecorder {

		private final List<VStreamEvent> seen;

		EventRecorder(List<VStreamEvent> seen) {
			this.seen = seen;
		}

		@EventListener
		void on(VStreamEvent event) {
			this.seen.add(event);
		}

	}

	static class Projection {

		final List<String> threads = new CopyOnWriteArrayList<>();

		@VStreamListener(table = "corder")
		void on(Order order) {
			this.threads.add(Thread.currentThread().getName());
		}

	}

}
