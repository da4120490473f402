package dev.vstream.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

import dev.vstream.annotation.VStreamListenerAnnotationBeanPostProcessor;
import dev.vstream.listener.DeadLetterHandler;
import dev.vstream.listener.DefaultVStreamErrorHandler;
import dev.vstream.listener.ErrorRecovery;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.listener.VStreamListenerEndpointRegistry;
import dev.vstream.mapping.RowMapperFactory;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.offset.StreamRunMarker;
import dev.vstream.position.StreamPosition;
import dev.vstream.scaling.LockFence;
import dev.vstream.scaling.ScalingCoordinator;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamContainerRegistry;
import dev.vstream.stream.VStreamMonitor;
import dev.vstream.stream.VStreamRequestCustomizer;
import dev.vstream.stream.VStreamSettings;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.TlsChannelCredentials;
import io.vitess.proto.Topodata.TabletType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Auto-configuration of {@code @VStreamListener} support: finds listener methods,
 * connects to vtgate and runs the default stream over them, and a stream per
 * {@code vstream.streams.<id>} over the listeners that name it, with positions saved in
 * the configured offset store.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "vstream.enabled", matchIfMissing = true)
@EnableConfigurationProperties(VStreamProperties.class)
@Import({ OffsetStoreConfigurations.Jdbc.class, OffsetStoreConfigurations.Redis.class,
		OffsetStoreConfigurations.Memory.class, OffsetStoreConfigurations.RunMarker.class,
		OffsetStoreConfigurations.Missing.class, VStreamScalingConfigurations.JdbcLocks.class,
		VStreamScalingConfigurations.RedisLocks.class, VStreamScalingConfigurations.Coordinators.class,
		VStreamScalingConfigurations.MissingIntegration.class, NamedStreamsRegistrar.class })
public final class VStreamAutoConfiguration {

	private static final Log logger = LogFactory.getLog(VStreamAutoConfiguration.class);

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static VStreamListenerAnnotationBeanPostProcessor vstreamListenerAnnotationBeanPostProcessor(
			ObjectProvider<VStreamListenerEndpointRegistry> registry, ObjectProvider<RowMapperFactory> mapperFactory) {
		return new VStreamListenerAnnotationBeanPostProcessor(registry::getObject, mapperFactory::getObject);
	}

	@Bean
	@ConditionalOnMissingBean
	VStreamListenerEndpointRegistry vstreamListenerEndpointRegistry() {
		return new VStreamListenerEndpointRegistry();
	}

	@Bean
	@ConditionalOnMissingBean
	VStreamContainerRegistry vstreamContainerRegistry(ObjectProvider<VStreamContainer> containers,
			ObjectProvider<ScalingCoordinator> coordinators) {
		return new VStreamContainerRegistry(() -> {
			// Scaled streams show what this instance runs: in shard-distributed mode, a
			// stream per owned shard instead of the configured stream (their template,
			// never started).
			List<VStreamContainer> all = new ArrayList<>(containers.orderedStream().toList());
			coordinators.orderedStream().forEach((coordinator) -> {
				all.remove(coordinator.getStream());
				all.addAll(coordinator.getContainers());
			});
			return all;
		});
	}

	@Bean
	@ConditionalOnMissingBean
	RowMapperFactory vstreamRowMapperFactory(ListableBeanFactory beanFactory, ObjectProvider<JsonMapper> jsonMapper) {
		// Users customize value conversion the Boot way: Converter / GenericConverter
		// beans, and JSON columns with the application's JsonMapper.
		ApplicationConversionService conversionService = new ApplicationConversionService();
		ApplicationConversionService.addBeans(conversionService, beanFactory);
		return new RowMapperFactory(conversionService, jsonMapper.getIfUnique(JsonMapper::shared));
	}

	@Bean
	@ConditionalOnMissingBean
	VStreamErrorHandler vstreamErrorHandler(VStreamProperties properties,
			ObjectProvider<DeadLetterHandler> deadLetterHandler) {
		return errorHandler("vstream", properties.getError(), deadLetterHandler.getIfUnique());
	}

	/**
	 * The error handler of a stream's {@code error.*} settings.
	 * @param prefix the prefix of the settings, for the message
	 * @param error the settings
	 * @param deadLetterHandler the application's dead-letter handler, if any
	 * @return the error handler
	 */
	static DefaultVStreamErrorHandler errorHandler(String prefix, VStreamProperties.Error error,
			@Nullable DeadLetterHandler deadLetterHandler) {
		ErrorRecovery recovery = error.getRecovery().toErrorRecovery();
		if (recovery == ErrorRecovery.DEAD_LETTER && deadLetterHandler == null) {
			throw new IllegalStateException(prefix
					+ ".error.recovery=dead-letter needs a DeadLetterHandler bean; define one or choose stop or skip");
		}
		return new DefaultVStreamErrorHandler(listenerRetryBackOff(error.getRetry()), recovery, deadLetterHandler);
	}

	/**
	 * The delays between retries of a failed listener call.
	 */
	static ExponentialBackOff listenerRetryBackOff(VStreamProperties.Error.Retry retry) {
		ExponentialBackOff backOff = new ExponentialBackOff(retry.getInitialInterval().toMillis(),
				retry.getMultiplier());
		backOff.setMaxInterval(retry.getMaxInterval().toMillis());
		backOff.setMaxAttempts(retry.getAttempts());
		return backOff;
	}

	@Bean
	@ConditionalOnMissingBean(VtgateConnectionDetails.class)
	PropertiesVtgateConnectionDetails vstreamVtgateConnectionDetails(VStreamProperties properties,
			ObjectProvider<SslBundles> sslBundles) {
		return new PropertiesVtgateConnectionDetails(properties.getVtgate(), sslBundles);
	}

	@Bean
	static LegacySchemaInitializationValues vstreamLegacySchemaInitializationValues() {
		return new LegacySchemaInitializationValues();
	}

	@Bean(destroyMethod = "")
	@ConditionalOnMissingBean(name = "vstreamChannel")
	ManagedChannel vstreamChannel(VStreamProperties properties, VtgateConnectionDetails connectionDetails,
			ObjectProvider<VStreamChannelCustomizer> customizers) {
		VStreamProperties.Vtgate vtgate = properties.getVtgate();
		VtgateAddress address;
		try {
			address = VtgateAddress.parse(connectionDetails.getAddress());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("vtgate address of " + connectionDetails + ": " + ex.getMessage(), ex);
		}
		ManagedChannelBuilder<?> builder = Grpc.newChannelBuilderForAddress(address.host(), address.port(),
				channelCredentials(connectionDetails, address.host(), vtgate.isAllowPlaintextCredentials()));
		configure(builder, vtgate);
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return builder.build();
	}

	/**
	 * Apply the {@code vstream.vtgate.*} settings of the connection itself to a channel
	 * builder (before the customizers, which may change them).
	 */
	static void configure(ManagedChannelBuilder<?> builder, VStreamProperties.Vtgate vtgate) {
		builder.maxInboundMessageSize((int) vtgate.getMaxInboundMessageSize().toBytes());
		builder.keepAliveTime(vtgate.getKeepAliveTime().toMillis(), TimeUnit.MILLISECONDS);
		builder.keepAliveTimeout(vtgate.getKeepAliveTimeout().toMillis(), TimeUnit.MILLISECONDS);
		builder.keepAliveWithoutCalls(false);
	}

	/**
	 * Plaintext, or TLS from the connection's SSL bundle (by default the one named by
	 * {@code vstream.vtgate.ssl.bundle}: its trust material verifies vtgate, its key
	 * material, if any, is the client certificate); with the static-auth call credentials
	 * when a user name is set. Credentials without TLS are refused for a vtgate that is
	 * not on loopback, unless {@code vstream.vtgate.allow-plaintext-credentials} accepts
	 * them.
	 */
	static ChannelCredentials channelCredentials(VtgateConnectionDetails connection, String host,
			boolean allowPlaintextCredentials) {
		SslBundle bundle = connection.getSslBundle();
		ChannelCredentials transport;
		if (bundle == null) {
			transport = InsecureChannelCredentials.create();
		}
		else {
			TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder()
				.trustManager(bundle.getManagers().getTrustManagers());
			SslStoreBundle stores = bundle.getStores();
			if (stores.getKeyStore() != null) {
				tls.keyManager(bundle.getManagers().getKeyManagers());
			}
			transport = tls.build();
		}
		String username = connection.getUsername();
		if (username == null || username.isEmpty()) {
			return transport;
		}
		if (bundle == null) {
			if (!allowPlaintextCredentials && !VtgateAddress.isLoopback(host)) {
				throw new IllegalStateException("vstream.vtgate.username is set without vstream.vtgate.ssl.bundle, "
						+ "and vtgate (" + host + ") is not on loopback: the password would cross the network in "
						+ "clear text on every call. Set vstream.vtgate.ssl.bundle, or "
						+ "vstream.vtgate.allow-plaintext-credentials=true to accept that");
			}
			logger.warn("vstream.vtgate.username is set without vstream.vtgate.ssl.bundle: the vtgate password "
					+ "travels in clear text on every call");
		}
		String password = connection.getPassword();
		return CompositeChannelCredentials.create(transport,
				new VtgateStaticAuthCredentials(username, (password != null) ? password : ""));
	}

	@Bean
	VStreamContainerFactory vstreamContainerFactory(VStreamProperties properties, ManagedChannel vstreamChannel,
			OffsetRepository offsetRepository, VStreamListenerEndpointRegistry registry,
			ObjectProvider<VStreamErrorHandler> errorHandler, ObjectProvider<DeadLetterHandler> deadLetterHandler,
			ObjectProvider<DataSource> dataSource, ObjectProvider<PlatformTransactionManager> transactionManager,
			ObjectProvider<VStreamMonitor> monitor, ObjectProvider<StreamRunMarker> runMarker,
			ObjectProvider<VStreamContainerCustomizer> customizers,
			ObjectProvider<VStreamRequestCustomizer> requestCustomizers, ObjectProvider<LockFence> lockFence,
			Environment environment) {
		return new VStreamContainerFactory(properties, vstreamChannel, offsetRepository, registry, errorHandler,
				deadLetterHandler, dataSource, transactionManager, monitor, runMarker, customizers, requestCustomizers,
				lockFence, environment);
	}

	@Bean
	@ConditionalOnMissingBean
	VStreamContainer vstreamContainer(VStreamContainerFactory vstreamContainerFactory, VStreamProperties properties,
			Environment environment) {
		warnIfStopOutlastsShutdown(properties, environment);
		return vstreamContainerFactory.create(StreamDefinition.ofDefault(properties));
	}

	@Bean
	static ListenerStreamCheck vstreamListenerStreamCheck(ObjectProvider<VStreamListenerEndpointRegistry> registry,
			ObjectProvider<VStreamProperties> properties) {
		return new ListenerStreamCheck(registry, properties);
	}

	/**
	 * A stop may wait up to {@code vstream.stop-timeout} for the rest of a transaction:
	 * longer than the shutdown phase, Spring moves on while the stream still holds its
	 * call; longer than a lease, another instance may take a shard over while its old
	 * owner still finishes a transaction on it.
	 */
	private static void warnIfStopOutlastsShutdown(VStreamProperties properties, Environment environment) {
		Duration stopTimeout = properties.getStopTimeout();
		Duration phase = Binder.get(environment)
			.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
			.orElse(Duration.ofSeconds(30));
		if (stopTimeout.compareTo(phase) >= 0) {
			logger.warn("vstream.stop-timeout (" + stopTimeout + ") is not below "
					+ "spring.lifecycle.timeout-per-shutdown-phase (" + phase + "): a stop that waits for the rest of "
					+ "a transaction can outlast the shutdown phase, and the application then closes under the "
					+ "stream. Lower vstream.stop-timeout or raise the phase timeout");
		}
		Duration lease = properties.getScaling().getLease();
		if (ScalingModes.anyScaled(properties) && stopTimeout.compareTo(lease) >= 0) {
			logger.warn("vstream.stop-timeout (" + stopTimeout + ") is not below vstream.scaling.lease (" + lease
					+ "): another instance may take a shard over while a stopping owner still finishes a "
					+ "transaction on it. Lower vstream.stop-timeout or raise the lease");
		}
	}

	@Bean
	ChannelShutdown vstreamChannelShutdown(ManagedChannel vstreamChannel) {
		return new ChannelShutdown(vstreamChannel);
	}

	static VStreamSettings settings(VStreamProperties properties) {
		return settings(properties, StreamDefinition.ofDefault(properties));
	}

	/**
	 * A stream's settings: its own from its definition, the rest shared.
	 */
	static VStreamSettings settings(VStreamProperties properties, StreamDefinition stream) {
		VStreamProperties.Reconnect reconnect = properties.getReconnect();
		ExponentialBackOff backOff = new ExponentialBackOff(reconnect.getInitialInterval().toMillis(),
				reconnect.getMultiplier());
		backOff.setMaxInterval(reconnect.getMaxInterval().toMillis());
		backOff.setJitter(Math.min(reconnect.getJitter().toMillis(), reconnect.getInitialInterval().toMillis()));
		backOff.setMaxElapsedTime(
				reconnect.getMaxElapsedTime().isZero() ? Long.MAX_VALUE : reconnect.getMaxElapsedTime().toMillis());
		StreamPosition explicitStart = stream.startVgtid().isEmpty() ? null
				: StreamPosition.fromJson(stream.startVgtid());
		return new VStreamSettings(stream.id(), stream.keyspace(), stream.startPosition(),
				TabletType.valueOf(properties.getTabletType().name()), properties.getHeartbeatInterval(),
				properties.isStopOnReshard(), backOff, List.of(), stream.tablesToCopy(), stream.shards(), explicitStart,
				stream.resetOnStart());
	}

	/**
	 * Shuts the channel down after the stream containers stopped (a bean destroyed after
	 * the lifecycle phase). Calls still open are cancelled at once: a stream still
	 * running by now overran {@code spring.lifecycle.timeout-per-shutdown-phase} (a
	 * listener that hangs keeps its call open up to {@code vstream.stop-timeout}), and
	 * waiting for it would only hold the application's shutdown longer.
	 */
	static final class ChannelShutdown implements DisposableBean {

		private final ManagedChannel channel;

		ChannelShutdown(ManagedChannel channel) {
			this.channel = channel;
		}

		@Override
		public void destroy() throws InterruptedException {
			this.channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}

	}

}
