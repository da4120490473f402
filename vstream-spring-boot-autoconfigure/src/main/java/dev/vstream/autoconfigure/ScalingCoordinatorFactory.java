package dev.vstream.autoconfigure;

import dev.vstream.offset.OffsetRepository;
import dev.vstream.scaling.ActiveStandbyCoordinator;
import dev.vstream.scaling.LockFence;
import dev.vstream.scaling.ShardDistributedCoordinator;
import dev.vstream.scaling.VtgateShardDiscovery;
import dev.vstream.stream.VStreamContainer;
import io.grpc.ManagedChannel;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.integration.support.locks.LockRegistry;
import org.springframework.integration.support.locks.RenewableLockRegistry;

/**
 * Builds the coordinator of a scaled stream, the default one ({@code vstream.*}) and each
 * named one ({@code vstream.streams.<id>.*}) alike. Every coordinator shares the lock
 * registry, its fence and the offset store; the locks are keyed by the stream's id
 * ({@code vstream:<id>} in active-standby mode, {@code vstream:<id>:<keyspace>/<shard>}
 * in shard-distributed mode), and stream ids are unique, so two streams never share a
 * lock. The lease, check interval and shard maximum are {@code vstream.scaling.*}, the
 * lock registry's settings.
 */
final class ScalingCoordinatorFactory {

	private final VStreamProperties properties;

	private final ObjectProvider<LockRegistry<?>> locks;

	private final ObjectProvider<LockFence> fence;

	private final OffsetRepository offsets;

	private final ManagedChannel channel;

	ScalingCoordinatorFactory(VStreamProperties properties, ObjectProvider<LockRegistry<?>> locks,
			ObjectProvider<LockFence> fence, OffsetRepository offsets, ManagedChannel channel) {
		this.properties = properties;
		this.locks = locks;
		this.fence = fence;
		this.offsets = offsets;
		this.channel = channel;
	}

	/**
	 * The active-standby coordinator of a named stream, {@code vstream.streams.<id>}.
	 * @param id the stream id
	 * @param container the stream's container, its saves fenced by its lock
	 * @return the coordinator
	 */
	ActiveStandbyCoordinator namedActiveStandby(String id, VStreamContainer container) {
		return activeStandby(StreamDefinition.ofNamed(this.properties, id), container);
	}

	/**
	 * The shard-distributed coordinator of a named stream, {@code vstream.streams.<id>}.
	 * @param id the stream id
	 * @param container the stream's container, the template of its shard streams
	 * @return the coordinator
	 */
	ShardDistributedCoordinator namedShardDistributed(String id, VStreamContainer container) {
		return shardDistributed(StreamDefinition.ofNamed(this.properties, id), container);
	}

	/**
	 * A stream's active-standby coordinator, on the lock {@code vstream:<id>}.
	 * @param stream the stream
	 * @param container the stream's container, its saves fenced by that lock
	 * @return the coordinator
	 */
	ActiveStandbyCoordinator activeStandby(StreamDefinition stream, VStreamContainer container) {
		VStreamProperties.Scaling scaling = this.properties.getScaling();
		ActiveStandbyCoordinator coordinator = new ActiveStandbyCoordinator(container, required(this.locks, stream),
				required(this.fence, stream), scaling.getCheckInterval(), scaling.getLease());
		coordinator.setAutoStartup(stream.autoStartup());
		return coordinator;
	}

	/**
	 * A stream's shard-distributed coordinator, on the locks
	 * {@code vstream:<id>:<keyspace>/<shard>}.
	 * @param stream the stream
	 * @param container the stream's container, the template of its shard streams
	 * @return the coordinator
	 */
	ShardDistributedCoordinator shardDistributed(StreamDefinition stream, VStreamContainer container) {
		VStreamProperties.Scaling scaling = this.properties.getScaling();
		LockRegistry<?> registry = required(this.locks, stream);
		if (!(registry instanceof RenewableLockRegistry<?> renewable)) {
			throw VStreamScalingConfigurations.missing(stream.scalingModeSetting(), this.properties,
					"a lock registry whose locks can be renewed (RenewableLockRegistry), not " + registry);
		}
		ShardDistributedCoordinator coordinator = new ShardDistributedCoordinator(container, renewable,
				required(this.fence, stream), this.offsets, new VtgateShardDiscovery(this.channel), scaling.getLease(),
				scaling.getCheckInterval(), scaling.getMaxShardsPerInstance());
		coordinator.setAutoStartup(stream.autoStartup());
		return coordinator;
	}

	private <T> T required(ObjectProvider<T> beans, StreamDefinition stream) {
		@Nullable T bean = beans.getIfUnique();
		if (bean == null) {
			throw VStreamScalingConfigurations.missing(stream.scalingModeSetting(), this.properties,
					"a LockRegistry and a LockFence: spring-integration-jdbc (offset-store jdbc) "
							+ "or spring-integration-redis (offset-store redis) on the classpath, or beans of your own");
		}
		return bean;
	}

}
