package dev.vstream.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.vstream.actuate.VStreamEndpoint;
import dev.vstream.actuate.VStreamEndpoint.StreamDescriptor;
import dev.vstream.actuate.VStreamHealthContributor;
import dev.vstream.annotation.VStreamListener;
import dev.vstream.metrics.MicrometerVStreamMonitor;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.stream.CheckpointPolicy;
import dev.vstream.stream.DefaultVStreamContainer;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamContainerRegistry;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static dev.vstream.autoconfigure.AutoConfigurationContexts.failure;
import static dev.vstream.test.vtgate.Events.transaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Named streams, {@code vstream.streams.<id>.*}: a container each, with its own settings
 * over the top-level ones, its own listeners and saved position, seen by the registry,
 * endpoint, health and meters.
 */
class NamedStreamsTests {

	private final ApplicationContextRunner runner = AutoConfigurationContexts.withEmbeddedOffsets()
		.withConfiguration(
				AutoConfigurations.of(VStreamActuatorAutoConfiguration.class, VStreamMetricsAutoConfiguration.class))
		.withPropertyValues("vstream.auto-startup=false");

	@Test
	void aNamedStreamTakesItsOwnSettingsAndTheTopLevelOnesItDoesNotSet() {
		this.runner
			.withPropertyValues("vstream.checkpoint.transactions=7", "vstream.tables-to-copy=corder",
					"vstream.streams.audit.start-position=current", "vstream.streams.audit.keyspace=customer",
					"vstream.streams.audit.checkpoint.interval=5s")
			.withBean(RecordingCustomizer.class, RecordingCustomizer::new)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasBean("vstreamContainer").hasBean("vstreamContainer-audit");
				VStreamContainer defaultStream = context.getBean("vstreamContainer", VStreamContainer.class);
				VStreamContainer audit = context.getBean("vstreamContainer-audit", VStreamContainer.class);
				assertThat(audit.getId()).isEqualTo("audit");
				assertThat(audit.getSettings().startPosition()).isEqualTo(StartPosition.CURRENT);
				assertThat(audit.getSettings().defaultKeyspace()).isEqualTo("customer");
				assertThat(audit.getSettings().tablesToCopy()).containsExactly("corder");
				assertThat(audit.getContainerOptions().getCheckpointPolicy()).isEqualTo(new CheckpointPolicy(7,
						Duration.ofSeconds(5), 1000, Duration.ofMillis(100), Duration.ofMillis(100)));
				assertThat(defaultStream.getSettings().startPosition()).isEqualTo(StartPosition.COPY);
				assertThat(defaultStream.getSettings().defaultKeyspace()).isEqualTo("commerce");
				// One VStreamContainer injected by type is still the default stream.
				assertThat(context.getBean(VStreamContainer.class)).isSameAs(defaultStream);
				assertThat(context.getBean(VStreamContainerRegistry.class).getContainerIds())
					.containsExactlyInAnyOrder("default", "audit");
				assertThat(context.getBean(RecordingCustomizer.class).ids).as("customizers apply to every stream")
					.containsExactlyInAnyOrder("default", "audit");
			});
	}

	static final class RecordingCustomizer implements VStreamContainerCustomizer {

		final List<String> ids = new CopyOnWriteArrayList<>();

		@Override
		public void customize(DefaultVStreamContainer container) {
			this.ids.add(container.getId());
		}

	}

	@Test
	void listenersGoToTheStreamTheyName() {
		this.runner.withPropertyValues("vstream.streams.audit.start-position=current")
			.withUserConfiguration(TwoStreamListeners.class)
			.run((context) -> {
				VStreamContainerRegistry registry = context.getBean(VStreamContainerRegistry.class);
				assertThat(registry.getRequiredContainer("default").getEndpoints()).extracting((e) -> e.getId())
					.containsExactlyInAnyOrder("projection", "explicitDefault");
				assertThat(registry.getRequiredContainer("audit").getEndpoints()).extracting((e) -> e.getId())
					.containsExactly("audit");
			});
	}

	@Test
	void theEndpointTheHealthAndTheMetersSeeEachStream() {
		this.runner
			.withPropertyValues("vstream.streams.audit.start-position=current",
					"management.endpoints.web.exposure.include=vstream")
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				assertThat(context.getBean(VStreamEndpoint.class).streams().streams()).extracting(StreamDescriptor::id)
					.containsExactlyInAnyOrder("default", "audit");
				assertThat(context.getBean(VStreamEndpoint.class).stream("audit")).isNotNull();
				VStreamHealthContributor health = context.getBean(VStreamHealthContributor.class);
				assertThat(health.getContributor("audit")).isInstanceOf(HealthIndicator.class);
				assertThat(health.getContributor("default")).isInstanceOf(HealthIndicator.class);
				assertThat(context.getBean("vstreamContainer-audit", VStreamContainer.class).getMonitor())
					.isInstanceOf(MicrometerVStreamMonitor.class)
					.isSameAs(context.getBean("vstreamContainer", VStreamContainer.class).getMonitor());
			});
	}

	@Test
	void aListenerOfAStreamThatIsNotConfiguredFailsStartUp() {
		this.runner.withUserConfiguration(TwoStreamListeners.class)
			.run((context) -> assertThat(failure(context)).contains("TwoStreamListeners.audit(")
				.contains("names stream 'audit', which is not configured")
				.contains("vstream.streams.audit"));
	}

	@Test
	void invalidNamedStreamSettingsFailStartUpNamingTheProperty() {
		this.runner.withPropertyValues("vstream.streams.audit.checkpoint.transactions=0")
			.run((context) -> assertThat(failure(context))
				.contains("vstream.streams.audit.checkpoint.transactions must be at least 1"));
		this.runner.withPropertyValues("vstream.streams.default.start-position=current")
			.run((context) -> assertThat(failure(context)).contains("vstream.streams.default")
				.contains("the default stream's id (vstream.id)"));
		this.runner.withPropertyValues("vstream.streams.audit.error.retry.multiplier=0.5")
			.run((context) -> assertThat(failure(context))
				.contains("vstream.streams.audit.error.retry.multiplier must be at least 1"));
		this.runner.withPropertyValues("vstream.streams.audit.start-vgtid=nope")
			.run((context) -> assertThat(failure(context)).contains("vstream.streams.audit.start-vgtid"));
		this.runner.withPropertyValues("vstream.streams.audit.error.recovery=dead-letter")
			.run((context) -> assertThat(failure(context))
				.contains("vstream.streams.audit.error.recovery=dead-letter needs a DeadLetterHandler bean"));
	}

	@Test
	void aNamedStreamHasItsOwnCopyNewTablesAndGroupCommitOrTakesTheTopLevelOnes() {
		this.runner.withPropertyValues("vstream.copy-new-tables=false", "vstream.checkpoint.group.transactions=50",
				"vstream.streams.audit.copy-new-tables=true", "vstream.streams.audit.checkpoint.group.transactions=5",
				"vstream.streams.audit.checkpoint.group.interval=2s",
				"vstream.streams.audit.checkpoint.group.min-interval=0", "vstream.checkpoint.group.min-interval=20ms",
				"vstream.streams.logs.start-position=current")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				VStreamContainer audit = context.getBean("vstreamContainer-audit", VStreamContainer.class);
				VStreamContainer logs = context.getBean("vstreamContainer-logs", VStreamContainer.class);
				VStreamContainer defaultStream = context.getBean("vstreamContainer", VStreamContainer.class);
				assertThat(audit.getContainerOptions().isCopyNewTables()).isTrue();
				assertThat(audit.getContainerOptions().getCheckpointPolicy())
					.isEqualTo(new CheckpointPolicy(1, Duration.ZERO, 5, Duration.ofSeconds(2), Duration.ZERO));
				assertThat(logs.getContainerOptions().isCopyNewTables()).isFalse();
				assertThat(logs.getContainerOptions().getCheckpointPolicy()).isEqualTo(
						new CheckpointPolicy(1, Duration.ZERO, 50, Duration.ofMillis(100), Duration.ofMillis(20)));
				assertThat(defaultStream.getContainerOptions().isCopyNewTables()).isFalse();
				assertThat(defaultStream.getContainerOptions().getCheckpointPolicy()).isEqualTo(
						new CheckpointPolicy(1, Duration.ZERO, 50, Duration.ofMillis(100), Duration.ofMillis(20)));
			});
		this.runner.withPropertyValues("vstream.streams.audit.checkpoint.group.transactions=0")
			.run((context) -> assertThat(failure(context))
				.contains("vstream.streams.audit.checkpoint.group.transactions must be at least 1"));
	}

	@Test
	void twoStreamsOverOneTableGetTheChangesWithTheirOwnPositions() {
		try (ScriptedVtgate vtgate = new ScriptedVtgate()) {
			vtgate.otherwise((request, call) -> {
			});
			scripted(vtgate).withPropertyValues("vstream.streams.audit.start-position=current")
				.withUserConfiguration(TwoStreamListeners.class)
				.run((context) -> {
					TwoStreamListeners listeners = context.getBean(TwoStreamListeners.class);
					VStreamContainerRegistry registry = context.getBean(VStreamContainerRegistry.class);
					OffsetRepository offsets = context.getBean(OffsetRepository.class);
					await().until(() -> vtgate.requests().size() == 2);
					vtgate.send(transaction(1), transaction(2));
					await().until(() -> listeners.projection.size() == 2 && listeners.audit.size() == 2);
					await().until(() -> gtid(offsets, "audit").equals("MySQL56/a:1-2"));
					registry.getRequiredContainer("audit").stop();
					vtgate.send(transaction(3));
					await().until(() -> gtid(offsets, "default").equals("MySQL56/a:1-3"));
					assertThat(listeners.projection).containsExactly(1L, 2L, 3L);
					assertThat(listeners.audit).containsExactly(1L, 2L);
					assertThat(gtid(offsets, "audit")).isEqualTo("MySQL56/a:1-2");
					MeterRegistry meters = context.getBean(MeterRegistry.class);
					assertThat(meters.get(MicrometerVStreamMonitor.CHANGES_DISPATCHED)
						.tag("stream", "audit")
						.timer()
						.count()).isEqualTo(2);
					assertThat(meters.get(MicrometerVStreamMonitor.CHANGES_DISPATCHED)
						.tag("stream", "default")
						.timer()
						.count()).isEqualTo(3);
					registry.getRequiredContainer("audit").start();
					await().until(() -> vtgate.requests().size() == 3);
					assertThat(vtgate.requests().get(2).getVgtid().getShardGtids(0).getGtid())
						.isEqualTo("MySQL56/a:1-2");
				});
		}
	}

	@Test
	void eachStreamRecoversFromListenerFailuresAsItIsConfigured() {
		try (ScriptedVtgate vtgate = new ScriptedVtgate()) {
			vtgate.otherwise((request, call) -> {
			});
			scripted(vtgate)
				.withPropertyValues("vstream.error.retry.attempts=0", "vstream.streams.audit.error.recovery=skip")
				.withUserConfiguration(FailingListeners.class)
				.run((context) -> {
					FailingListeners listeners = context.getBean(FailingListeners.class);
					VStreamContainerRegistry registry = context.getBean(VStreamContainerRegistry.class);
					await().until(() -> vtgate.requests().size() == 2);
					vtgate.send(transaction(1), transaction(2), transaction(3));
					await().until(() -> listeners.audit.size() == 2);
					await().until(() -> registry.getRequiredContainer("default").getState() == StreamState.FAILED);
					assertThat(listeners.audit).as("audit skips order 2").containsExactly(1L, 3L);
					assertThat(listeners.projection).as("the default stream stops at order 2").containsExactly(1L);
					VStreamContainer audit = registry.getRequiredContainer("audit");
					assertThat(audit.isRunning()).isTrue();
					assertThat(audit.getState()).isNotEqualTo(StreamState.FAILED);
				});
		}
	}

	private static ApplicationContextRunner scripted(ScriptedVtgate vtgate) {
		return AutoConfigurationContexts.withEmbeddedOffsets()
			.withConfiguration(AutoConfigurations.of(VStreamMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("vstream.offset-store=memory", "vstream.verify-tables=false")
			.withBean("vstreamChannel", ManagedChannel.class, vtgate::channel);
	}

	private static String gtid(OffsetRepository offsets, String stream) {
		return offsets.load(stream).map(StreamPosition::toVGtid).map((v) -> v.getShardGtids(0).getGtid()).orElse("");
	}

	@Configuration(proxyBeanMethods = false)
	static class FailingListeners {

		final List<Long> projection = new CopyOnWriteArrayList<>();

		final List<Long> audit = new CopyOnWriteArrayList<>();

		@VStreamListener(table = "corder", id = "projection")
		void projection(Map<String, Object> row) {
			this.projection.add(handle(row));
		}

		@VStreamListener(table = "corder", id = "audit", stream = "audit")
		void audit(Map<String, Object> row) {
			this.audit.add(handle(row));
		}

		private static long handle(Map<String, Object> row) {
			long orderId = ((Number) row.get("order_id")).longValue();
			if (orderId == 2) {
				throw new IllegalStateException("order 2 cannot be handled");
			}
			return orderId;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoStreamListeners {

		final List<Long> projection = new CopyOnWriteArrayList<>();

		final List<Long> audit = new CopyOnWriteArrayList<>();

		@VStreamListener(table = "corder", id = "projection")
		void projection(Map<String, Object> row) {
			this.projection.add(((Number) row.get("order_id")).longValue());
		}

		@VStreamListener(table = "corder", id = "explicitDefault", stream = "default", autoStartup = "false")
		void explicitDefault(Map<String, Object> row) {
		}

		@VStreamListener(table = "corder", id = "audit", stream = "${audit.stream:audit}")
		void audit(Map<String, Object> row) {
			this.audit.add(((Number) row.get("order_id")).longValue());
		}

	}

}
