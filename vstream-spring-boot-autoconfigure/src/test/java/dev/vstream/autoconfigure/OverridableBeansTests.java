package dev.vstream.autoconfigure;

import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

import dev.vstream.actuate.VStreamEndpoint;
import dev.vstream.actuate.VStreamHealthContributor;
import dev.vstream.actuate.VStreamWebEndpointExtension;
import dev.vstream.annotation.VStreamListener;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.listener.VStreamListenerEndpointRegistry;
import dev.vstream.mapping.RowMapperFactory;
import dev.vstream.metrics.MicrometerVStreamMonitor;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.offset.JdbcOffsetRepository;
import dev.vstream.offset.JdbcStreamRunMarker;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.offset.StreamRunMarker;
import dev.vstream.scaling.ActiveStandbyCoordinator;
import dev.vstream.scaling.JdbcLockFence;
import dev.vstream.scaling.LockFence;
import dev.vstream.scaling.RedisLockFence;
import dev.vstream.scaling.ScalingCoordinator;
import dev.vstream.scaling.ScalingMode;
import dev.vstream.scaling.ScalingStatus;
import dev.vstream.scaling.ShardDistributedCoordinator;
import dev.vstream.stream.DefaultVStreamContainer;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamContainerRegistry;
import dev.vstream.stream.VStreamMonitor;
import dev.vstream.test.InMemoryRunMarker;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.jdbc.lock.LockRepository;
import org.springframework.integration.support.locks.DefaultLockRegistry;
import org.springframework.integration.support.locks.LockRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each bean the README lists as replaceable: a bean of the application's, of the type a
 * user would naturally declare and under a name of its own, is the one in the context,
 * the starter's is absent, and the context starts.
 */
class OverridableBeansTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(VStreamAutoConfiguration.class, VStreamActuatorAutoConfiguration.class,
				VStreamMetricsAutoConfiguration.class))
		.withPropertyValues("vstream.jdbc.embedded-url=jdbc:h2:mem:offsets-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
				"vstream.keyspace=commerce", "vstream.auto-startup=false", "vstream.verify-tables=false");

	@Test
	void listenerEndpointRegistry() {
		VStreamListenerEndpointRegistry own = new VStreamListenerEndpointRegistry();
		this.runner.withBean("listeners", VStreamListenerEndpointRegistry.class, () -> own)
			.withBean(Projection.class)
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(VStreamListenerEndpointRegistry.class)
					.doesNotHaveBean("vstreamListenerEndpointRegistry");
				assertThat(context.getBean(VStreamListenerEndpointRegistry.class)).isSameAs(own);
				assertThat(own.getEndpoints()).isNotEmpty();
			});
	}

	@Test
	void containerRegistry() {
		VStreamContainerRegistry own = new VStreamContainerRegistry(List::of);
		this.runner.withBean("containers", VStreamContainerRegistry.class, () -> own).run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(VStreamContainerRegistry.class)
				.doesNotHaveBean("vstreamContainerRegistry");
			assertThat(context.getBean(VStreamContainerRegistry.class)).isSameAs(own);
		});
	}

	@Test
	void rowMapperFactory() {
		RowMapperFactory own = new RowMapperFactory(new DefaultConversionService());
		this.runner.withBean("mappers", RowMapperFactory.class, () -> own).run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(RowMapperFactory.class)
				.doesNotHaveBean("vstreamRowMapperFactory");
			assertThat(context.getBean(RowMapperFactory.class)).isSameAs(own);
		});
	}

	@Test
	void errorHandler() {
		VStreamErrorHandler own = VStreamErrorHandler.stopStream();
		// The starter's handler would refuse this recovery without a DeadLetterHandler.
		this.runner.withPropertyValues("vstream.error.recovery=dead-letter")
			.withBean("errors", VStreamErrorHandler.class, () -> own)
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(VStreamErrorHandler.class)
					.doesNotHaveBean("vstreamErrorHandler");
				assertThat(context.getBean(VStreamErrorHandler.class)).isSameAs(own);
			});
	}

	@Test
	void vtgateConnectionDetails() {
		VtgateConnectionDetails own = () -> "vtgate.example:25991";
		this.runner.withBean("vtgate", VtgateConnectionDetails.class, () -> own).run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(VtgateConnectionDetails.class)
				.doesNotHaveBean("vstreamVtgateConnectionDetails");
			assertThat(context.getBean(VtgateConnectionDetails.class)).isSameAs(own);
			assertThat(context.getBean("vstreamChannel", ManagedChannel.class).authority())
				.isEqualTo("vtgate.example:25991");
		});
	}

	@Test
	void aChannelOfAnotherServiceLeavesTheStartersVtgateChannelInPlace() {
		// ManagedChannel is what every gRPC client of the application is: only a bean
		// named vstreamChannel stands for vtgate's.
		ManagedChannel other = Grpc.newChannelBuilder("localhost:1", InsecureChannelCredentials.create()).build();
		try {
			this.runner.withBean("otherService", ManagedChannel.class, () -> other).run((context) -> {
				assertThat(context).hasNotFailed().hasBean("vstreamChannel").getBeans(ManagedChannel.class).hasSize(2);
				assertThat(context.getBean("vstreamChannel")).isNotSameAs(other);
			});
		}
		finally {
			other.shutdownNow();
		}
	}

	@Test
	void channelAmongOthersIsTheOneNamedVstreamChannel() {
		ManagedChannel other = Grpc.newChannelBuilder("localhost:1", InsecureChannelCredentials.create()).build();
		try (ScriptedVtgate vtgate = new ScriptedVtgate()) {
			this.runner.withPropertyValues("vstream.auto-startup=true")
				.withBean("otherService", ManagedChannel.class, () -> other)
				.withBean("vstreamChannel", ManagedChannel.class, vtgate::channel)
				.withBean(Projection.class)
				.run((context) -> {
					assertThat(context).hasNotFailed().getBeans(ManagedChannel.class).hasSize(2);
					await().until(() -> !vtgate.requests().isEmpty());
				});
		}
		finally {
			other.shutdownNow();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "jdbc", "redis", "memory" })
	void offsetRepositoryWhateverTheStore(String store) {
		OffsetRepository own = new InMemoryOffsetRepository();
		this.runner.withPropertyValues("vstream.offset-store=" + store)
			.withBean("positions", OffsetRepository.class, () -> own)
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(OffsetRepository.class)
					.doesNotHaveBean("vstreamOffsetRepository");
				assertThat(context.getBean(VStreamContainer.class).getOffsetRepository()).isSameAs(own);
			});
	}

	@Test
	void jdbcOffsetRepository() {
		this.runner
			.withUserConfiguration(VStreamAutoConfigurationTests.DataSourceConfiguration.class,
					OffsetRepositoryConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(OffsetRepository.class)
					.doesNotHaveBean("vstreamOffsetRepository");
				assertThat(context.getBean(VStreamContainer.class).getOffsetRepository())
					.isSameAs(context.getBean("positions"));
			});
	}

	@Test
	void runMarker() {
		StreamRunMarker own = new InMemoryRunMarker();
		this.runner.withBean("runs", StreamRunMarker.class, () -> own).run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(StreamRunMarker.class)
				.doesNotHaveBean(JdbcStreamRunMarker.class);
			assertThat(context.getBean(StreamRunMarker.class)).isSameAs(own);
		});
	}

	@Test
	void container() {
		this.runner.withUserConfiguration(ContainerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(VStreamContainer.class)
				.doesNotHaveBean("vstreamContainer");
			assertThat(context.getBean(VStreamContainer.class)).isSameAs(context.getBean("orders"));
			assertThat(context.getBean(VStreamContainerRegistry.class).getContainerIds()).containsExactly("orders");
		});
	}

	@Test
	void monitor() {
		VStreamMonitor own = new VStreamMonitor() {
		};
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean("streamMonitor", VStreamMonitor.class, () -> own)
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(VStreamMonitor.class)
					.doesNotHaveBean(MicrometerVStreamMonitor.class);
				assertThat(context.getBean(VStreamContainer.class).getMonitor()).isSameAs(own);
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "vstreamHealthIndicator", "vstreamHealthContributor" })
	void healthContributorUnderEitherOfBootsNames(String name) {
		HealthIndicator own = () -> Health.up().build();
		this.runner.withConfiguration(AutoConfigurations.of(HealthContributorRegistryAutoConfiguration.class))
			.withBean(name, HealthIndicator.class, () -> own)
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(VStreamHealthContributor.class);
				assertThat(context.getBean(HealthContributorRegistry.class).getContributor("vstream")).isSameAs(own);
			});
	}

	@Test
	void credentialSanitizerByItsName() {
		SanitizingFunction own = (data) -> data;
		this.runner.withBean("vstreamCredentialSanitizer", SanitizingFunction.class, () -> own).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(SanitizingFunction.class);
			assertThat(context.getBean(SanitizingFunction.class)).isSameAs(own);
		});
	}

	@Test
	void otherSanitizersLeaveTheCredentialSanitizer() {
		// Applications define sanitizing functions for their own keys: the vtgate
		// password must stay masked.
		this.runner.withBean("appSanitizer", SanitizingFunction.class, () -> (data) -> data)
			.run((context) -> assertThat(context).hasNotFailed()
				.hasBean("vstreamCredentialSanitizer")
				.getBeans(SanitizingFunction.class)
				.hasSize(2));
	}

	@Test
	void endpoint() {
		VStreamEndpoint own = new VStreamEndpoint(List.of());
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=vstream")
			.withBean("streams", VStreamEndpoint.class, () -> own)
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(VStreamEndpoint.class)
					.doesNotHaveBean("vstreamEndpoint");
				assertThat(context.getBean(VStreamEndpoint.class)).isSameAs(own);
			});
	}

	@Test
	void webEndpointExtension() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=vstream")
			.withBean("streamsWeb", VStreamWebEndpointExtension.class)
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(VStreamWebEndpointExtension.class)
					.doesNotHaveBean("vstreamWebEndpointExtension");
				assertThat(context.getBean(VStreamWebEndpointExtension.class)).isSameAs(context.getBean("streamsWeb"));
			});
	}

	@Test
	void jdbcLockFence() {
		LockFence own = new PassThroughFence();
		this.runner.withPropertyValues("vstream.scaling.mode=active-standby")
			.withBean("fence", LockFence.class, () -> own)
			.run((context) -> {
				// The lock repository checks its table on start: created without the
				// starter's fence too.
				assertThat(context).hasNotFailed().hasSingleBean(LockFence.class).doesNotHaveBean(JdbcLockFence.class);
				assertThat(context.getBean(LockFence.class)).isSameAs(own);
				assertThat(context.getBean(VStreamContainer.class).getOffsetRepository())
					.isSameAs(context.getBean(OffsetRepository.class));
				JdbcTemplate database = new JdbcTemplate(context.getBean(EmbeddedOffsetDatabase.class).getDataSource());
				assertThat(database.queryForObject("SELECT COUNT(*) FROM INT_LOCK", Integer.class)).isZero();
			});
	}

	@Test
	void redisLockFence() {
		LockFence own = new PassThroughFence();
		this.runner.withPropertyValues("vstream.scaling.mode=active-standby", "vstream.offset-store=redis")
			.withBean(RedisConnectionFactory.class, () -> new LettuceConnectionFactory("127.0.0.1", 1))
			.withBean("fence", LockFence.class, () -> own)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(LockFence.class).doesNotHaveBean(RedisLockFence.class);
				assertThat(context.getBean(LockFence.class)).isSameAs(own);
			});
	}

	@Test
	void lockRegistry() {
		LockRegistry<?> own = new DefaultLockRegistry();
		this.runner.withPropertyValues("vstream.scaling.mode=active-standby")
			.withBean("locks", LockRegistry.class, () -> own)
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(LockRegistry.class)
					.doesNotHaveBean(JdbcLockRegistry.class);
				assertThat(context.getBean(LockRegistry.class)).isSameAs(own);
			});
	}

	@Test
	void lockRepository() {
		this.runner.withPropertyValues("vstream.scaling.mode=active-standby", "vstream.scaling.instance-id=node-1")
			.withUserConfiguration(VStreamAutoConfigurationTests.DataSourceConfiguration.class,
					LockRepositoryConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(LockRepository.class)
					.doesNotHaveBean("vstreamLockRepository")
					.hasSingleBean(JdbcLockRegistry.class);
				assertThat(context.getBean(LockRepository.class)).isSameAs(context.getBean("locksTable"));
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "active-standby", "shard-distributed" })
	void coordinator(String mode) {
		this.runner.withPropertyValues("vstream.scaling.mode=" + mode)
			.withBean("coordinator", OwnCoordinator.class)
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(ScalingCoordinator.class)
					.doesNotHaveBean(ActiveStandbyCoordinator.class)
					.doesNotHaveBean(ShardDistributedCoordinator.class);
				assertThat(context.getBean(ScalingCoordinator.class)).isInstanceOf(OwnCoordinator.class);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class OffsetRepositoryConfiguration {

		@Bean
		JdbcOffsetRepository positions(DataSource dataSource) {
			JdbcOffsetRepository repository = new JdbcOffsetRepository(new JdbcTemplate(dataSource), "app_positions");
			repository.createTableIfMissing();
			return repository;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LockRepositoryConfiguration {

		@Bean
		DefaultLockRepository locksTable(DataSource dataSource) {
			DefaultLockRepository repository = new DefaultLockRepository(dataSource, "node-1");
			repository.setTransactionManager(new DataSourceTransactionManager(dataSource));
			return repository;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ContainerConfiguration {

		@Bean
		ManagedChannel ordersChannel() {
			return Grpc.newChannelBuilder("localhost:1", InsecureChannelCredentials.create()).build();
		}

		@Bean
		DefaultVStreamContainer orders(ManagedChannel ordersChannel) {
			VStreamProperties properties = new VStreamProperties();
			properties.setId("orders");
			DefaultVStreamContainer container = new DefaultVStreamContainer(
					VStreamAutoConfiguration.settings(properties), ordersChannel, new InMemoryOffsetRepository(),
					List::of, VStreamErrorHandler.stopStream());
			container.setAutoStartup(false);
			return container;
		}

	}

	static final class PassThroughFence implements LockFence {

		@Override
		public String instanceId() {
			return "own";
		}

		@Override
		public OffsetRepository fenced(String lockKey, OffsetRepository offsets) {
			return offsets;
		}

		@Override
		public @Nullable String owner(String lockKey) {
			return null;
		}

	}

	static final class OwnCoordinator implements ScalingCoordinator {

		private final VStreamContainer stream;

		OwnCoordinator(VStreamContainer stream) {
			this.stream = stream;
		}

		@Override
		public String getStreamId() {
			return this.stream.getId();
		}

		@Override
		public VStreamContainer getStream() {
			return this.stream;
		}

		@Override
		public List<VStreamContainer> getContainers() {
			return List.of(this.stream);
		}

		@Override
		public ScalingStatus status() {
			return new ScalingStatus(getStreamId(), ScalingMode.ACTIVE_STANDBY, "own", List.of());
		}

	}

	record Order(long orderId, String sku) {
	}

	static class Projection {

		@VStreamListener(table = "corder")
		void on(Order order) {
		}

	}

}
