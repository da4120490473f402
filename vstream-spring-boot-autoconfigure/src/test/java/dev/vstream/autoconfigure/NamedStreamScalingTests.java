package dev.vstream.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.vstream.actuate.VStreamEndpoint;
import dev.vstream.actuate.VStreamHealthContributor;
import dev.vstream.offset.JdbcOffsetRepository;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.StreamPosition;
import dev.vstream.scaling.ActiveStandbyCoordinator;
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
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.integration.util.UUIDConverter;
import org.springframework.jdbc.core.JdbcTemplate;

import static dev.vstream.autoconfigure.AutoConfigurationContexts.failure;
import static dev.vstream.test.vtgate.Events.transaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Named streams in the scaled modes ({@code vstream.streams.<id>.scaling.mode}): a
 * coordinator of their own, built as the default stream's, on locks keyed by their id in
 * the lock store every stream shares, seen by the endpoint and health; and the start-up
 * failures of what they cannot do.
 */
class NamedStreamScalingTests {

	private final ApplicationContextRunner runner = AutoConfigurationContexts.withEmbeddedOffsets()
		.withConfiguration(AutoConfigurations.of(VStreamActuatorAutoConfiguration.class))
		.withPropertyValues("vstream.verify-tables=false", "management.endpoints.web.exposure.include=vstream",
				"vstream.scaling.instance-id=node-1", "vstream.scaling.lease=2s",
				"vstream.scaling.check-interval=200ms")
		.withUserConfiguration(NamedStreamsTests.TwoStreamListeners.class);

	@Test
	void aNamedStreamInActiveStandbyModeHasItsOwnCoordinatorAndLockBesideASingleDefaultStream() {
		try (ScriptedVtgate vtgate = new ScriptedVtgate()) {
			vtgate.otherwise((request, call) -> {
			});
			this.runner.withBean("vstreamChannel", ManagedChannel.class, vtgate::channel)
				.withPropertyValues("vstream.streams.audit.scaling.mode=active-standby",
						"vstream.streams.audit.start-position=current")
				.run((context) -> {
					assertThat(context).hasNotFailed().hasSingleBean(ScalingCoordinator.class);
					ActiveStandbyCoordinator coordinator = context.getBean("vstreamScalingCoordinator-audit",
							ActiveStandbyCoordinator.class);
					VStreamContainer audit = context.getBean("vstreamContainer-audit", VStreamContainer.class);
					VStreamContainer defaultStream = context.getBean("vstreamContainer", VStreamContainer.class);
					assertThat(coordinator.getStreamId()).isEqualTo("audit");
					assertThat(coordinator.getStream()).isSameAs(audit);
					assertThat(audit.isAutoStartup()).as("the coordinator starts it once elected").isFalse();
					assertThat(audit.getOffsetRepository())
						.hasToString("fenced by lock 'vstream:audit': " + context.getBean(OffsetRepository.class));
					assertThat(defaultStream.isAutoStartup()).isTrue();
					assertThat(defaultStream.getOffsetRepository()).isInstanceOf(JdbcOffsetRepository.class);
					await().atMost(Duration.ofSeconds(10)).until(coordinator::isLeader);
					await().until(() -> vtgate.requests().size() == 2);
					assertThat(lockHolders(context)).containsExactly(Map.of(lockKey("vstream:audit"), "node-1"));

					// The fenced save of the elected stream goes through.
					NamedStreamsTests.TwoStreamListeners listeners = context
						.getBean(NamedStreamsTests.TwoStreamListeners.class);
					vtgate.send(transaction(1));
					await().until(() -> listeners.audit.size() == 1 && listeners.projection.size() == 1);
					OffsetRepository offsets = context.getBean(OffsetRepository.class);
					await().until(() -> offsets.load("audit").isPresent());
					assertThat(
							offsets.load("audit").map(StreamPosition::toVGtid).orElseThrow().getShardGtids(0).getGtid())
						.isEqualTo("MySQL56/a:1-1");

					assertThat(context.getBean(VStreamEndpoint.class).streams().scaling()).singleElement()
						.satisfies((status) -> {
							assertThat(status.streamId()).isEqualTo("audit");
							assertThat(status.mode()).isEqualTo(ScalingMode.ACTIVE_STANDBY);
							assertThat(status.shards()).singleElement().satisfies((o) -> {
								assertThat(o.owner()).isEqualTo("node-1");
								assertThat(o.ownedHere()).isTrue();
							});
						});
					VStreamHealthContributor health = context.getBean(VStreamHealthContributor.class);
					assertThat(health.getContributor("audit")).isInstanceOf(HealthIndicator.class);
					assertThat(health.getContributor("default")).isInstanceOf(HealthIndicator.class);
				});
		}
	}

	@Test
	void theDefaultAndANamedStreamInActiveStandbyModeHoldOneLockEach() {
		try (ScriptedVtgate vtgate = new ScriptedVtgate()) {
			vtgate.otherwise((request, call) -> {
			});
			this.runner.withBean("vstreamChannel", ManagedChannel.class, vtgate::channel)
				.withPropertyValues("vstream.scaling.mode=active-standby",
						"vstream.streams.audit.start-position=current")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThat(context.getBeansOfType(ActiveStandbyCoordinator.class)).hasSize(2);
					ActiveStandbyCoordinator defaultCoordinator = context.getBean(ActiveStandbyCoordinator.class);
					ActiveStandbyCoordinator audit = context.getBean("vstreamScalingCoordinator-audit",
							ActiveStandbyCoordinator.class);
					assertThat(defaultCoordinator.getStreamId()).as("injected alone: the default stream's")
						.isEqualTo("default");
					assertThat(context.getBean("vstreamContainer-audit", VStreamContainer.class).getOffsetRepository())
						.hasToString("fenced by lock 'vstream:audit': " + context.getBean(OffsetRepository.class));
					assertThat(context.getBean("vstreamContainer", VStreamContainer.class).getOffsetRepository())
						.hasToString("fenced by lock 'vstream:default': " + context.getBean(OffsetRepository.class));
					await().atMost(Duration.ofSeconds(10))
						.until(() -> defaultCoordinator.isLeader() && audit.isLeader());
					assertThat(lockHolders(context)).containsExactlyInAnyOrder(
							Map.of(lockKey("vstream:default"), "node-1"), Map.of(lockKey("vstream:audit"), "node-1"));
					assertThat(context.getBean(VStreamEndpoint.class).streams().scaling())
						.extracting(ScalingStatus::streamId)
						.containsExactlyInAnyOrder("default", "audit");
				});
		}
	}

	@Test
	void aNamedStreamInShardDistributedModeTakesItsShardsUnderLocksOfItsOwn() {
		try (ScriptedVtgate vtgate = new ScriptedVtgate().withShards("commerce", "-80", "80-")) {
			vtgate.otherwise((request, call) -> {
			});
			this.runner.withBean("vstreamChannel", ManagedChannel.class, vtgate::channel)
				.withPropertyValues("vstream.streams.audit.scaling.mode=shard-distributed")
				.run((context) -> {
					assertThat(context).hasNotFailed().hasSingleBean(ScalingCoordinator.class);
					ShardDistributedCoordinator coordinator = context.getBean("vstreamScalingCoordinator-audit",
							ShardDistributedCoordinator.class);
					assertThat(coordinator.getStreamId()).isEqualTo("audit");
					await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.getOwnedShards().size() == 2);
					await().until(() -> vtgate.openCallsFor("commerce", "-80") == 1
							&& vtgate.openCallsFor("commerce", "80-") == 1);
					assertThat(context.getBean("vstreamContainer-audit", VStreamContainer.class).isRunning())
						.as("the template is never started")
						.isFalse();
					assertThat(context.getBean(VStreamContainerRegistry.class).getContainerIds())
						.containsExactlyInAnyOrder("default", "audit@commerce/-80", "audit@commerce/80-");
					assertThat(lockHolders(context)).containsExactlyInAnyOrder(
							Map.of(lockKey("vstream:audit:commerce/-80"), "node-1"),
							Map.of(lockKey("vstream:audit:commerce/80-"), "node-1"));
					assertThat(context.getBean(VStreamEndpoint.class).streams().scaling()).singleElement()
						.satisfies((status) -> {
							assertThat(status.streamId()).isEqualTo("audit");
							assertThat(status.mode()).isEqualTo(ScalingMode.SHARD_DISTRIBUTED);
							assertThat(status.shards()).extracting(ScalingStatus.Ownership::shard)
								.containsExactlyInAnyOrder("-80", "80-");
						});
					VStreamHealthContributor health = context.getBean(VStreamHealthContributor.class);
					assertThat(health.getContributor("audit@commerce:-80")).isInstanceOf(HealthIndicator.class);
					assertThat(health.getContributor("default")).isInstanceOf(HealthIndicator.class);
				});
		}
	}

	@Test
	void whatANamedScaledStreamCannotDoFailsStartUpNamingTheProperty() {
		ApplicationContextRunner runner = this.runner.withPropertyValues("vstream.auto-startup=false");
		runner.withPropertyValues("vstream.offset-store=memory", "vstream.streams.audit.scaling.mode=active-standby")
			.run((context) -> assertThat(failure(context))
				.contains("vstream.streams.audit.scaling.mode=active-standby needs a shared offset store"));
		runner
			.withPropertyValues("vstream.streams.audit.scaling.mode=shard-distributed",
					"vstream.streams.audit.shards.commerce=-80")
			.run((context) -> assertThat(failure(context))
				.contains("vstream.streams.audit.scaling.mode=shard-distributed distributes every shard; remove "
						+ "vstream.streams.audit.shards"));
		runner
			.withPropertyValues("vstream.streams.audit.scaling.mode=active-standby",
					"vstream.streams.audit.reset-on-start=true")
			.run((context) -> assertThat(failure(context)).contains("vstream.streams.audit.reset-on-start cannot be "
					+ "used with vstream.streams.audit.scaling.mode=active-standby"));
		runner
			.withPropertyValues("vstream.streams.audit.scaling.mode=active-standby",
					"vstream.streams.audit.scaling.lease=5s")
			.run((context) -> assertThat(failure(context))
				.contains("vstream.streams.audit.scaling.lease is not a setting of a named stream")
				.contains("Set vstream.scaling.lease instead"));
		runner.withClassLoader(new FilteredClassLoader("org.springframework.integration"))
			.withPropertyValues("vstream.streams.audit.scaling.mode=shard-distributed")
			.run((context) -> assertThat(failure(context))
				.contains("vstream.streams.audit.scaling.mode=shard-distributed with vstream.offset-store=jdbc needs "
						+ "Spring Integration"));
	}

	@Test
	void aNamedStreamTakesTheTopLevelScalingModeItDoesNotSet() {
		this.runner
			.withPropertyValues("vstream.auto-startup=false", "vstream.scaling.mode=active-standby",
					"vstream.streams.audit.start-position=current", "vstream.streams.logs.scaling.mode=single")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeansOfType(ScalingCoordinator.class))
					.containsOnlyKeys("vstreamActiveStandbyCoordinator", "vstreamScalingCoordinator-audit");
				assertThat(context.getBean("vstreamContainer-logs", VStreamContainer.class).getOffsetRepository())
					.isInstanceOf(JdbcOffsetRepository.class);
				assertThat(context.getBean("vstreamScalingCoordinator-audit", ActiveStandbyCoordinator.class)
					.isAutoStartup()).as("auto-startup taken from vstream.auto-startup").isFalse();
			});
	}

	private static List<Map<String, String>> lockHolders(AssertableApplicationContext context) {
		JdbcTemplate database = new JdbcTemplate(context.getBean(EmbeddedOffsetDatabase.class).getDataSource());
		return database.query("SELECT LOCK_KEY, TRIM(CLIENT_ID) FROM INT_LOCK WHERE REGION = 'vstream'",
				(row, i) -> Map.of(row.getString(1).trim(), row.getString(2)));
	}

	private static String lockKey(String key) {
		return UUIDConverter.getUUID(key).toString();
	}

}
