package dev.vstream.autoconfigure;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.vstream.actuate.VStreamEndpoint;
import dev.vstream.annotation.VStreamListener;
import dev.vstream.offset.JdbcOffsetRepository;
import dev.vstream.scaling.ActiveStandbyCoordinator;
import dev.vstream.scaling.JdbcLockFence;
import dev.vstream.scaling.LockFence;
import dev.vstream.scaling.ScalingCoordinator;
import dev.vstream.scaling.ScalingMode;
import dev.vstream.scaling.ScalingStatus;
import dev.vstream.scaling.ShardDistributedCoordinator;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamContainerRegistry;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.support.locks.LockRegistry;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Wiring of {@code vstream.scaling.*}: the lock registry, fence and coordinator per mode,
 * the actuator's ownership view, and start-up failures that name the property to fix.
 */
class VStreamScalingAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(VStreamAutoConfiguration.class, VStreamActuatorAutoConfiguration.class))
		.withPropertyValues("vstream.jdbc.embedded-url=jdbc:h2:mem:offsets-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
				"vstream.keyspace=commerce", "vstream.verify-tables=false",
				"management.endpoints.web.exposure.include=vstream")
		.withBean(Projection.class);

	@Test
	void singleModeNeedsNoSpringIntegration() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.integration"))
			.withPropertyValues("vstream.auto-startup=false")
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(VStreamContainer.class)
					.doesNotHaveBean(ScalingCoordinator.class);
				assertThat(context.getBean(VStreamContainer.class).isAutoStartup()).isFalse();
			});
	}

	@Test
	void aScaledModeWithoutSpringIntegrationFailsNamingTheProperty() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.integration"))
			.withPropertyValues("vstream.scaling.mode=shard-distributed")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("vstream.scaling.mode=shard-distributed")
				.hasMessageContaining("spring-integration-jdbc"));
	}

	@Test
	void aScaledModeWithTheMemoryStoreFailsNamingTheProperty() {
		this.runner.withPropertyValues("vstream.scaling.mode=active-standby", "vstream.offset-store=memory")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("vstream.scaling.mode")
				.hasMessageContaining("offset-store"));
	}

	@Test
	void aCheckIntervalAboveHalfTheLeaseFails() {
		this.runner
			.withPropertyValues("vstream.scaling.mode=shard-distributed", "vstream.scaling.lease=10s",
					"vstream.scaling.check-interval=6s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("scaling.check-interval"));
	}

	@Test
	void anInstanceIdTooLongForTheLockTableFails() {
		this.runner
			.withPropertyValues("vstream.scaling.mode=shard-distributed",
					"vstream.scaling.instance-id=" + "x".repeat(37))
			.run((context) -> assertThat(context).getFailure().rootCause().hasMessageContaining("scaling.instance-id"));
	}

	@Test
	void shardDistributedStreamsEveryShardAndTheEndpointShowsTheOwners() {
		try (ScriptedVtgate vtgate = new ScriptedVtgate().withShards("commerce", "-80", "80-")) {
			this.runner.withBean("vstreamChannel", ManagedChannel.class, vtgate::channel)
				.withPropertyValues("vstream.scaling.mode=shard-distributed", "vstream.scaling.instance-id=node-1",
						"vstream.scaling.lease=2s", "vstream.scaling.check-interval=200ms")
				.run((context) -> {
					assertThat(context).hasNotFailed()
						.hasSingleBean(JdbcLockRegistry.class)
						.hasSingleBean(JdbcLockFence.class)
						.hasSingleBean(ShardDistributedCoordinator.class);
					ShardDistributedCoordinator coordinator = context.getBean(ShardDistributedCoordinator.class);
					await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.getOwnedShards().size() == 2);
					await().until(() -> vtgate.openCallsFor("commerce", "-80") == 1
							&& vtgate.openCallsFor("commerce", "80-") == 1);
					VStreamContainer template = context.getBean(VStreamContainer.class);
					assertThat(template.isRunning()).isFalse();
					assertThat(context.getBean(VStreamContainerRegistry.class).getContainerIds())
						.containsExactlyInAnyOrder("default@commerce/-80", "default@commerce/80-");
					VStreamEndpoint.StreamsDescriptor streams = context.getBean(VStreamEndpoint.class).streams();
					assertThat(streams.streams()).hasSize(2);
					assertThat(streams.scaling()).singleElement().satisfies((status) -> {
						assertThat(status.mode()).isEqualTo(ScalingMode.SHARD_DISTRIBUTED);
						assertThat(status.instanceId()).isEqualTo("node-1");
						assertThat(status.shards()).extracting(ScalingStatus.Ownership::shard)
							.containsExactlyInAnyOrder("-80", "80-");
						assertThat(status.shards()).extracting(ScalingStatus.Ownership::owner).containsOnly("node-1");
					});
				});
			// Released on shutdown.
			assertThat(vtgate.openCallsFor("commerce", "-80")).isZero();
		}
	}

	@Test
	void theDefaultInstanceIdIsTheHostNameAndPid() throws Exception {
		String pid = Long.toString(ProcessHandle.current().pid());
		String host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "");
		String expected = host.substring(0, Math.min(host.length(), 35 - pid.length())) + "-" + pid;
		assertThat(VStreamScalingConfigurations.instanceId(new VStreamProperties())).isEqualTo(expected)
			.hasSizeLessThanOrEqualTo(36);
		this.runner.withPropertyValues("vstream.scaling.mode=shard-distributed", "vstream.auto-startup=false")
			.run((context) -> assertThat(context.getBean(LockFence.class).instanceId()).isEqualTo(expected));
	}

	@Test
	void theLockTableIsNamedByTheTablePrefix() {
		try (ScriptedVtgate vtgate = new ScriptedVtgate().withShards("commerce", "-80", "80-")) {
			this.runner.withBean("vstreamChannel", ManagedChannel.class, vtgate::channel)
				.withPropertyValues("vstream.scaling.mode=shard-distributed", "vstream.scaling.instance-id=node-1",
						"vstream.scaling.jdbc.table-prefix=APP_", "vstream.scaling.lease=2s",
						"vstream.scaling.check-interval=200ms")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					ShardDistributedCoordinator coordinator = context.getBean(ShardDistributedCoordinator.class);
					await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.getOwnedShards().size() == 2);
					JdbcTemplate database = new JdbcTemplate(
							context.getBean(EmbeddedOffsetDatabase.class).getDataSource());
					assertThat(database.queryForList("SELECT TRIM(CLIENT_ID) FROM APP_LOCK WHERE REGION = 'vstream'",
							String.class))
						.containsExactly("node-1", "node-1");
					assertThat(database.queryForObject(
							"SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'INT_LOCK'",
							Integer.class))
						.isZero();
				});
		}
	}

	@Test
	void activeStandbyFencesTheStreamsSavesAndStartsItOnceElected() {
		try (ScriptedVtgate vtgate = new ScriptedVtgate()) {
			this.runner.withBean("vstreamChannel", ManagedChannel.class, vtgate::channel)
				.withPropertyValues("vstream.scaling.mode=active-standby", "vstream.scaling.lease=2s",
						"vstream.scaling.check-interval=200ms")
				.run((context) -> {
					assertThat(context).hasNotFailed()
						.hasSingleBean(ActiveStandbyCoordinator.class)
						.hasSingleBean(LockRegistry.class);
					VStreamContainer container = context.getBean(VStreamContainer.class);
					assertThat(container.getOffsetRepository()).isNotInstanceOf(JdbcOffsetRepository.class);
					ActiveStandbyCoordinator coordinator = context.getBean(ActiveStandbyCoordinator.class);
					await().atMost(Duration.ofSeconds(10)).until(coordinator::isLeader);
					await().until(() -> vtgate.requests().size() == 1);
					assertThat(context.getBean(VStreamEndpoint.class).streams().scaling()).singleElement()
						.satisfies((status) -> assertThat(status.shards()).singleElement()
							.satisfies((o) -> assertThat(o.ownedHere()).isTrue()));
				});
		}
	}

	record Order(long orderId, String sku) {
	}

	static class Projection {

		final List<Order> orders = new CopyOnWriteArrayList<>();

		@VStreamListener(table = "corder")
		void on(Order order) {
			this.orders.add(order);
		}

	}

}
