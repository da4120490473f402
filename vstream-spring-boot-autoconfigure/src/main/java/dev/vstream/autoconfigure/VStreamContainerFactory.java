package dev.vstream.autoconfigure;

import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;

import dev.vstream.listener.DeadLetterHandler;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.listener.VStreamListenerEndpointRegistry;
import dev.vstream.offset.JdbcOffsetRepository;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.offset.StreamRunMarker;
import dev.vstream.scaling.LockFence;
import dev.vstream.scaling.ScalingMode;
import dev.vstream.stream.CheckpointPolicy;
import dev.vstream.stream.DefaultVStreamContainer;
import dev.vstream.stream.VStreamContainerOptions;
import dev.vstream.stream.VStreamMonitor;
import dev.vstream.stream.VStreamRequestCustomizer;
import dev.vstream.stream.VStreamSettings;
import io.grpc.ManagedChannel;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.thread.Threading;
import org.springframework.core.env.Environment;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.ResourceTransactionManager;
import org.springframework.util.ClassUtils;

/**
 * Builds the stream containers, the default one ({@code vstream.*}) and each named one
 * ({@code vstream.streams.<id>.*}) alike: a stream's own settings come from its
 * {@link StreamDefinition}, the rest (vtgate channel, offset store, flags, timeouts,
 * monitor, customizers) is shared.
 */
final class VStreamContainerFactory {

	private static final boolean JDBC_PRESENT = ClassUtils.isPresent("org.springframework.jdbc.core.JdbcOperations",
			VStreamContainerFactory.class.getClassLoader());

	private final VStreamProperties properties;

	private final ManagedChannel channel;

	private final OffsetRepository offsetRepository;

	private final VStreamListenerEndpointRegistry registry;

	private final ObjectProvider<VStreamErrorHandler> errorHandler;

	private final ObjectProvider<DeadLetterHandler> deadLetterHandler;

	private final ObjectProvider<DataSource> dataSource;

	private final ObjectProvider<PlatformTransactionManager> transactionManager;

	private final ObjectProvider<VStreamMonitor> monitor;

	private final ObjectProvider<StreamRunMarker> runMarker;

	private final ObjectProvider<VStreamContainerCustomizer> customizers;

	private final ObjectProvider<VStreamRequestCustomizer> requestCustomizers;

	private final ObjectProvider<LockFence> lockFence;

	private final Environment environment;

	VStreamContainerFactory(VStreamProperties properties, ManagedChannel channel, OffsetRepository offsetRepository,
			VStreamListenerEndpointRegistry registry, ObjectProvider<VStreamErrorHandler> errorHandler,
			ObjectProvider<DeadLetterHandler> deadLetterHandler, ObjectProvider<DataSource> dataSource,
			ObjectProvider<PlatformTransactionManager> transactionManager, ObjectProvider<VStreamMonitor> monitor,
			ObjectProvider<StreamRunMarker> runMarker, ObjectProvider<VStreamContainerCustomizer> customizers,
			ObjectProvider<VStreamRequestCustomizer> requestCustomizers, ObjectProvider<LockFence> lockFence,
			Environment environment) {
		this.properties = properties;
		this.channel = channel;
		this.offsetRepository = offsetRepository;
		this.registry = registry;
		this.errorHandler = errorHandler;
		this.deadLetterHandler = deadLetterHandler;
		this.dataSource = dataSource;
		this.transactionManager = transactionManager;
		this.monitor = monitor;
		this.runMarker = runMarker;
		this.customizers = customizers;
		this.requestCustomizers = requestCustomizers;
		this.lockFence = lockFence;
		this.environment = environment;
	}

	VStreamProperties getProperties() {
		return this.properties;
	}

	OffsetRepository getOffsetRepository() {
		return this.offsetRepository;
	}

	/**
	 * The container of a named stream ({@code vstream.streams.<id>}).
	 * @param id the stream id
	 * @return the container
	 * @see #create(StreamDefinition)
	 */
	DefaultVStreamContainer createNamed(String id) {
		return create(StreamDefinition.ofNamed(this.properties, id));
	}

	/**
	 * A stream's container, the default stream's or a named one's: positions saved under
	 * its id in the shared offset store (fenced by the stream's lock in
	 * {@code active-standby} mode), with its own error handler when it sets error
	 * handling of its own (the {@link VStreamErrorHandler} bean otherwise), the
	 * customizers applied.
	 * @param stream the stream's own settings
	 * @return the container
	 */
	DefaultVStreamContainer create(StreamDefinition stream) {
		VStreamErrorHandler handler = stream.ownErrorHandling() ? errorHandler(stream) : this.errorHandler.getObject();
		return create(stream, VStreamScalingConfigurations.streamOffsets(stream, this.properties, this.offsetRepository,
				this.lockFence), handler);
	}

	private DefaultVStreamContainer create(StreamDefinition stream, OffsetRepository offsets,
			VStreamErrorHandler errorHandler) {
		VStreamProperties properties = this.properties;
		VStreamSettings settings = VStreamAutoConfiguration.settings(properties, stream)
			.withRequestOptions(VStreamFlagsSettings.requestOptions(properties.getFlags(),
					this.requestCustomizers.orderedStream().toList()));
		DefaultVStreamContainer container = new DefaultVStreamContainer(settings, this.channel, offsets,
				() -> endpointsOf(stream), errorHandler);
		if (!stream.named()) {
			// Schema changes go to the default stream's DDL listeners only.
			container.setDdlListeners(this.registry::getDdlListeners);
		}
		// Scaled: the coordinator decides when (and whether) this instance runs the
		// stream.
		container.setAutoStartup(stream.autoStartup() && stream.scalingMode() == ScalingMode.SINGLE);
		VStreamContainerOptions options = container.getContainerOptions();
		options.setVerifyTables(properties.isVerifyTables());
		options.setAutoProject(properties.isAutoProject());
		StreamRunMarker marker = this.runMarker.getIfUnique();
		if (properties.isRequireSavedPosition() && marker == null) {
			throw new IllegalStateException("vstream.require-saved-position=true needs a run marker to tell a first "
					+ "start from a lost position: a DataSource (or vstream.offset-store=jdbc with the embedded "
					+ "database), or a StreamRunMarker bean"
					+ ((properties.getOffsetStore() == VStreamProperties.OffsetStore.MEMORY)
							? "; vstream.offset-store=memory loses every position by design" : ""));
		}
		options.setRunMarker(marker);
		options.setRequireSavedPosition(properties.isRequireSavedPosition());
		options.setCopyNewTables(stream.copyNewTables());
		options.setProgressTimeout(properties.getProgressTimeout());
		options.setCopyProgressLogInterval(properties.getCopy().getProgressLogInterval());
		options.setStallTimeout(properties.getStallTimeout());
		options.setStopTimeout(properties.getStopTimeout());
		container.setIdleEventInterval(properties.getIdleEventInterval());
		if (Threading.VIRTUAL.isActive(this.environment)) {
			container.setTaskExecutor(new VirtualThreadTaskExecutor("vstream-" + stream.id() + "-"));
		}
		this.monitor.ifUnique(container::setMonitor);
		VStreamProperties.Checkpoint.Group group = stream.checkpoint().getGroup();
		options.setCheckpointPolicy(
				new CheckpointPolicy(stream.checkpoint().getTransactions(), stream.checkpoint().getInterval(),
						group.getTransactions(), group.getInterval(), group.getMinInterval()));
		if (properties.getJdbc().isTransactional() && JDBC_PRESENT
				&& this.offsetRepository instanceof JdbcOffsetRepository) {
			options.setTransactionManager(
					sharedTransactionManager(this.dataSource.getIfUnique(), this.transactionManager.getIfUnique()));
		}
		this.customizers.orderedStream().forEach((customizer) -> customizer.customize(container));
		return container;
	}

	/**
	 * The listeners of a stream: those naming it, and for the default stream those that
	 * name none.
	 */
	private Collection<VStreamListenerEndpoint> endpointsOf(StreamDefinition stream) {
		List<VStreamListenerEndpoint> endpoints = this.registry.getEndpoints()
			.stream()
			.filter((endpoint) -> belongsTo(endpoint, stream))
			.toList();
		return endpoints;
	}

	static boolean belongsTo(VStreamListenerEndpoint endpoint, StreamDefinition stream) {
		String named = endpoint.getStream();
		return named.equals(stream.id()) || (!stream.named() && named.isEmpty());
	}

	/**
	 * The error handler built from a stream's {@code error.*} settings.
	 * @param stream the stream
	 * @return the error handler
	 */
	VStreamErrorHandler errorHandler(StreamDefinition stream) {
		return VStreamAutoConfiguration.errorHandler(stream.prefix(), stream.error(),
				this.deadLetterHandler.getIfUnique());
	}

	/**
	 * The transaction manager of the DataSource the offset table lives in, when the
	 * application has one: listeners writing through that DataSource then commit with the
	 * position.
	 */
	private static @Nullable PlatformTransactionManager sharedTransactionManager(@Nullable DataSource dataSource,
			@Nullable PlatformTransactionManager transactionManager) {
		if (dataSource != null && transactionManager instanceof ResourceTransactionManager resource
				&& resource.getResourceFactory() == dataSource) {
			return transactionManager;
		}
		return null;
	}

}
