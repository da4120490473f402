package dev.vstream.autoconfigure;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;
import javax.sql.DataSource;

import dev.vstream.offset.OffsetRepository;
import dev.vstream.offset.SchemaScript;
import dev.vstream.scaling.ActiveStandbyCoordinator;
import dev.vstream.scaling.JdbcLockFence;
import dev.vstream.scaling.LockFence;
import dev.vstream.scaling.RedisLockFence;
import dev.vstream.scaling.ScalingCoordinator;
import dev.vstream.scaling.ScalingMode;
import dev.vstream.scaling.ShardDistributedCoordinator;
import dev.vstream.stream.VStreamContainer;
import io.grpc.ManagedChannel;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.jdbc.lock.LockRepository;
import org.springframework.integration.redis.util.RedisLockRegistry;
import org.springframework.integration.support.locks.LockRegistry;
import org.springframework.integration.support.locks.RenewableLockRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.ResourceTransactionManager;

/**
 * Scale-out (a {@code vstream.scaling.mode} or {@code vstream.streams.<id>.scaling.mode}
 * other than {@code single}): a Spring Integration lock registry over the offset store
 * (JDBC or Redis) and the fence that ties position saves to its locks, shared by every
 * scaled stream, and per scaled stream the coordinator that decides what this instance
 * streams, built by {@link ScalingCoordinatorFactory} (the default stream's here, the
 * named streams' by {@link NamedStreamsRegistrar}). Every bean of the default stream can
 * be replaced.
 */
final class VStreamScalingConfigurations {

	private VStreamScalingConfigurations() {
	}

	/**
	 * Lock polling: often enough for a quick takeover, rare enough not to load the store.
	 */
	private static final Duration IDLE_BETWEEN_TRIES = Duration.ofMillis(250);

	static String instanceId(VStreamProperties properties) {
		String configured = properties.getScaling().getInstanceId();
		if (!configured.isEmpty()) {
			return configured;
		}
		String pid = Long.toString(ProcessHandle.current().pid());
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (Exception ex) {
			host = ManagementFactory.getRuntimeMXBean().getName();
		}
		host = host.replaceAll("[^A-Za-z0-9._-]", "");
		int room = 36 - pid.length() - 1;
		return ((host.length() > room) ? host.substring(0, room) : host) + "-" + pid;
	}

	static String modeName(ScalingMode mode) {
		return mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * The failure of a scaled mode that lacks something.
	 * @param properties the properties
	 * @param needs what is missing
	 * @return the exception, naming the scaled streams' mode properties
	 */
	static IllegalStateException missing(VStreamProperties properties, String needs) {
		return missing(ScalingModes.scaledModes(properties), properties, needs);
	}

	/**
	 * The failure of a scaled mode that lacks something.
	 * @param modes the mode properties to name, as {@code property=mode}
	 * @param properties the properties
	 * @param needs what is missing
	 * @return the exception
	 */
	static IllegalStateException missing(String modes, VStreamProperties properties, String needs) {
		return new IllegalStateException(modes + " with vstream.offset-store="
				+ properties.getOffsetStore().name().toLowerCase(Locale.ROOT) + " needs " + needs);
	}

	/**
	 * The transaction manager of the offset DataSource: the application's, or one of our
	 * own.
	 */
	private static PlatformTransactionManager transactionManager(DataSource dataSource,
			@Nullable PlatformTransactionManager transactionManager) {
		if (transactionManager instanceof ResourceTransactionManager resource
				&& resource.getResourceFactory() == dataSource) {
			return transactionManager;
		}
		return new DataSourceTransactionManager(dataSource);
	}

	private static DataSource offsetDataSource(ObjectProvider<DataSource> dataSource,
			ObjectProvider<EmbeddedOffsetDatabase> embedded) {
		DataSource target = dataSource.getIfUnique();
		return (target != null) ? target : embedded.getObject().getDataSource();
	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(ScalingModes.OnScaledMode.class)
	@ConditionalOnClass(name = { "org.springframework.integration.jdbc.lock.JdbcLockRegistry",
			"org.springframework.jdbc.core.JdbcOperations" })
	@ConditionalOnProperty(name = "vstream.offset-store", havingValue = "jdbc", matchIfMissing = true)
	@Import(DatabaseInitializationDependencyConfigurer.class)
	static class JdbcLocks {

		/**
		 * Creates the lock table from its schema script where Spring Boot's script
		 * initializer is not available (no spring-boot-jdbc), as the mode says. Here, not
		 * in the outer class: the outer class must load without spring-jdbc.
		 */
		private static void createLockTableWithoutInitializer(VStreamProperties properties, DataSource target,
				ObjectProvider<DataSource> dataSource) {
			VStreamProperties.ScalingJdbc jdbc = properties.getScaling().getJdbc();
			if (!OffsetStoreConfigurations.SCRIPT_INITIALIZER_PRESENT && OffsetStoreConfigurations
				.initializes(jdbc.getInitializeSchema(), dataSource.getIfUnique() == null, target)) {
				SchemaScript.locks(jdbc.getTablePrefix())
					.createTablesIfMissing(new JdbcTemplate(target), properties.getJdbc().getPlatform());
			}
		}

		@Bean
		@ConditionalOnMissingBean(LockFence.class)
		@DependsOnDatabaseInitialization
		JdbcLockFence vstreamLockFence(VStreamProperties properties, ObjectProvider<DataSource> dataSource,
				ObjectProvider<EmbeddedOffsetDatabase> embedded,
				ObjectProvider<PlatformTransactionManager> transactionManager) {
			DataSource target = offsetDataSource(dataSource, embedded);
			VStreamProperties.ScalingJdbc jdbc = properties.getScaling().getJdbc();
			JdbcLockFence fence = new JdbcLockFence(target,
					transactionManager(target, transactionManager.getIfUnique()), instanceId(properties),
					jdbc.getTablePrefix(), jdbc.getRegion());
			createLockTableWithoutInitializer(properties, target, dataSource);
			return fence;
		}

		@Bean
		@ConditionalOnMissingBean(LockRepository.class)
		@DependsOnDatabaseInitialization
		DefaultLockRepository vstreamLockRepository(VStreamProperties properties, ObjectProvider<DataSource> dataSource,
				ObjectProvider<EmbeddedOffsetDatabase> embedded,
				ObjectProvider<PlatformTransactionManager> transactionManager, ObjectProvider<LockFence> fence) {
			// The repository checks the lock table on start: the starter's fence creates
			// it; with a fence of the user's, the table is still ours to create.
			DataSource target = offsetDataSource(dataSource, embedded);
			VStreamProperties.ScalingJdbc jdbc = properties.getScaling().getJdbc();
			if (!(fence.getIfUnique() instanceof JdbcLockFence)) {
				createLockTableWithoutInitializer(properties, target, dataSource);
			}
			DefaultLockRepository repository = new DefaultLockRepository(target, instanceId(properties));
			repository.setPrefix(jdbc.getTablePrefix());
			repository.setRegion(jdbc.getRegion());
			repository.setTransactionManager(transactionManager(target, transactionManager.getIfUnique()));
			return repository;
		}

		@Bean
		@ConditionalOnMissingBean(LockRegistry.class)
		JdbcLockRegistry vstreamLockRegistry(LockRepository vstreamLockRepository, VStreamProperties properties) {
			JdbcLockRegistry registry = new JdbcLockRegistry(vstreamLockRepository, properties.getScaling().getLease());
			registry.setIdleBetweenTries(IDLE_BETWEEN_TRIES);
			return registry;
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = OffsetStoreConfigurations.SCRIPT_INITIALIZER)
		static class SchemaInitializer {

			@Bean
			VStreamDataSourceScriptDatabaseInitializer vstreamLockSchemaInitializer(
					ObjectProvider<DataSource> dataSource, ObjectProvider<EmbeddedOffsetDatabase> embedded,
					VStreamProperties properties) {
				VStreamProperties.ScalingJdbc jdbc = properties.getScaling().getJdbc();
				return new VStreamDataSourceScriptDatabaseInitializer(offsetDataSource(dataSource, embedded),
						SchemaScript.locks(jdbc.getTablePrefix()), jdbc.getInitializeSchema(),
						properties.getJdbc().getPlatform(), dataSource.getIfUnique() == null);
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(ScalingModes.OnScaledMode.class)
	@ConditionalOnClass(name = { "org.springframework.integration.redis.util.RedisLockRegistry",
			"org.springframework.data.redis.core.StringRedisTemplate" })
	@ConditionalOnProperty(name = "vstream.offset-store", havingValue = "redis")
	static class RedisLocks {

		@Bean
		@ConditionalOnMissingBean(LockRegistry.class)
		RedisLockRegistry vstreamLockRegistry(ObjectProvider<RedisConnectionFactory> connectionFactory,
				VStreamProperties properties) {
			RedisConnectionFactory factory = connectionFactory.getIfUnique();
			if (factory == null) {
				throw missing(properties, "a RedisConnectionFactory bean (spring-boot-starter-data-redis)");
			}
			RedisLockRegistry registry = new RedisLockRegistry(factory,
					properties.getScaling().getRedis().getRegistryKey(), properties.getScaling().getLease());
			registry.setIdleBetweenTries(IDLE_BETWEEN_TRIES);
			return registry;
		}

		@Bean
		@ConditionalOnMissingBean(LockFence.class)
		RedisLockFence vstreamLockFence(ObjectProvider<RedisConnectionFactory> connectionFactory,
				VStreamProperties properties, LockRegistry<?> vstreamLockRegistry) {
			if (!(vstreamLockRegistry instanceof RenewableLockRegistry<?> renewable)) {
				throw missing(properties,
						"a RenewableLockRegistry; define a LockFence bean for " + vstreamLockRegistry);
			}
			return new RedisLockFence(new StringRedisTemplate(connectionFactory.getObject()),
					properties.getScaling().getRedis().getRegistryKey(), instanceId(properties), renewable,
					properties.getScaling().getLease());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(ScalingModes.OnScaledMode.class)
	@ConditionalOnClass(name = "org.springframework.integration.support.locks.LockRegistry")
	static class Coordinators {

		@Bean
		ScalingCoordinatorFactory vstreamScalingCoordinatorFactory(ObjectProvider<LockRegistry<?>> locks,
				ObjectProvider<LockFence> fence, OffsetRepository offsetRepository, ManagedChannel vstreamChannel,
				VStreamProperties properties) {
			return new ScalingCoordinatorFactory(properties, locks, fence, offsetRepository, vstreamChannel);
		}

		@Bean
		@ConditionalOnMissingBean(ScalingCoordinator.class)
		@ConditionalOnProperty(name = "vstream.scaling.mode", havingValue = "active-standby")
		ActiveStandbyCoordinator vstreamActiveStandbyCoordinator(VStreamContainer vstreamContainer,
				ScalingCoordinatorFactory vstreamScalingCoordinatorFactory, VStreamProperties properties) {
			return vstreamScalingCoordinatorFactory.activeStandby(StreamDefinition.ofDefault(properties),
					vstreamContainer);
		}

		@Bean
		@ConditionalOnMissingBean(ScalingCoordinator.class)
		@ConditionalOnProperty(name = "vstream.scaling.mode", havingValue = "shard-distributed")
		ShardDistributedCoordinator vstreamShardDistributedCoordinator(VStreamContainer vstreamContainer,
				ScalingCoordinatorFactory vstreamScalingCoordinatorFactory, VStreamProperties properties) {
			return vstreamScalingCoordinatorFactory.shardDistributed(StreamDefinition.ofDefault(properties),
					vstreamContainer);
		}

	}

	/** Scaling was asked for, but Spring Integration is not on the classpath. */
	@Configuration(proxyBeanMethods = false)
	@Conditional(ScalingModes.OnScaledMode.class)
	@ConditionalOnMissingClass("org.springframework.integration.support.locks.LockRegistry")
	static class MissingIntegration {

		@Bean
		Object vstreamScalingUnavailable(VStreamProperties properties) {
			throw missing(properties, "Spring Integration: add spring-integration-jdbc (offset-store jdbc) or "
					+ "spring-integration-redis (offset-store redis)");
		}

	}

	/**
	 * The offsets a stream saves through: fenced by the stream's active-standby lock in
	 * that mode, so that an instance that lost leadership cannot overwrite its
	 * successor's position. (In shard-distributed mode each shard stream gets a view
	 * fenced by its shard's lock from the coordinator.)
	 * @param stream the stream
	 * @param properties the properties
	 * @param offsets the offset store
	 * @param fence the lock fence, present when a stream is scaled
	 * @return the offsets the stream saves through
	 */
	static OffsetRepository streamOffsets(StreamDefinition stream, VStreamProperties properties,
			OffsetRepository offsets, ObjectProvider<LockFence> fence) {
		if (stream.scalingMode() != ScalingMode.ACTIVE_STANDBY) {
			return offsets;
		}
		String mode = stream.scalingModeSetting();
		LockFence lockFence = fence.getIfUnique();
		if (lockFence == null) {
			throw missing(mode, properties, "a LockFence: spring-integration-jdbc (offset-store jdbc) or "
					+ "spring-integration-redis (offset-store redis) on the classpath");
		}
		try {
			return lockFence.fenced(ActiveStandbyCoordinator.lockKey(stream.id()), offsets);
		}
		catch (IllegalArgumentException ex) {
			throw missing(mode, properties,
					"an offset repository the lock fence can write atomically with the lock check: " + ex.getMessage());
		}
	}

}
