package dev.vstream.autoconfigure;

import java.util.List;
import java.util.Map;

import dev.vstream.position.StartPosition;
import dev.vstream.scaling.ScalingMode;
import org.jspecify.annotations.Nullable;

/**
 * The settings one stream has of its own: the default stream's from the top-level
 * {@code vstream.*} properties, a named stream's from {@code vstream.streams.<id>.*} with
 * every unset value taken from the top level.
 *
 * @param id the stream id, the key of its saved position
 * @param prefix the prefix of the stream's own properties ({@code vstream} or
 * {@code vstream.streams.<id>}), for messages
 * @param named whether the stream is a named one
 * @param keyspace the keyspace of listeners that name none
 * @param startPosition where a stream without a saved position starts
 * @param startVgtid an explicit start as VGtid JSON, empty for none
 * @param tablesToCopy the tables the copy phase copies
 * @param shards the shards to stream, per keyspace
 * @param resetOnStart whether to discard the saved position at start
 * @param autoStartup whether the stream starts with the application
 * @param copyNewTables whether a listened table its saved position does not cover is
 * copied first
 * @param checkpoint when positions are saved, group commit included
 * @param error the listener error handling
 * @param ownErrorHandling whether the stream sets error handling of its own (and so needs
 * an error handler of its own)
 * @param scalingMode how instances share the stream
 */
record StreamDefinition(String id, String prefix, boolean named, String keyspace, StartPosition startPosition,
		String startVgtid, List<String> tablesToCopy, Map<String, List<String>> shards, boolean resetOnStart,
		boolean autoStartup, boolean copyNewTables, VStreamProperties.Checkpoint checkpoint,
		VStreamProperties.Error error, boolean ownErrorHandling, ScalingMode scalingMode) {

	/**
	 * The default stream, from the top-level properties.
	 * @param properties the properties
	 * @return the default stream's definition
	 */
	static StreamDefinition ofDefault(VStreamProperties properties) {
		return new StreamDefinition(properties.getId(), "vstream", false, properties.getKeyspace(),
				properties.getStartPosition(), properties.getStartVgtid(), properties.getTablesToCopy(),
				properties.getShards(), properties.isResetOnStart(), properties.isAutoStartup(),
				properties.isCopyNewTables(), properties.getCheckpoint(), properties.getError(), false,
				properties.getScaling().getMode());
	}

	/**
	 * A named stream: its own settings over the top-level ones.
	 * @param properties the properties
	 * @param id the stream id, a key of {@code vstream.streams}
	 * @return the stream's definition
	 */
	static StreamDefinition ofNamed(VStreamProperties properties, String id) {
		NamedStreamProperties own = properties.getStreams().get(id);
		if (own == null) {
			throw new IllegalArgumentException("No vstream.streams." + id);
		}
		VStreamProperties.Checkpoint checkpoint = new VStreamProperties.Checkpoint();
		checkpoint
			.setTransactions(or(own.getCheckpoint().getTransactions(), properties.getCheckpoint().getTransactions()));
		checkpoint.setInterval(or(own.getCheckpoint().getInterval(), properties.getCheckpoint().getInterval()));
		NamedStreamProperties.Checkpoint.Group ownGroup = own.getCheckpoint().getGroup();
		VStreamProperties.Checkpoint.Group sharedGroup = properties.getCheckpoint().getGroup();
		checkpoint.getGroup().setTransactions(or(ownGroup.getTransactions(), sharedGroup.getTransactions()));
		checkpoint.getGroup().setInterval(or(ownGroup.getInterval(), sharedGroup.getInterval()));
		checkpoint.getGroup().setMinInterval(or(ownGroup.getMinInterval(), sharedGroup.getMinInterval()));
		NamedStreamProperties.Error.Retry ownRetry = own.getError().getRetry();
		VStreamProperties.Error.Retry sharedRetry = properties.getError().getRetry();
		VStreamProperties.Error error = new VStreamProperties.Error();
		error.setRecovery(or(own.getError().getRecovery(), properties.getError().getRecovery()));
		error.getRetry().setAttempts(or(ownRetry.getAttempts(), sharedRetry.getAttempts()));
		error.getRetry().setInitialInterval(or(ownRetry.getInitialInterval(), sharedRetry.getInitialInterval()));
		error.getRetry().setMultiplier(or(ownRetry.getMultiplier(), sharedRetry.getMultiplier()));
		error.getRetry().setMaxInterval(or(ownRetry.getMaxInterval(), sharedRetry.getMaxInterval()));
		boolean ownErrorHandling = own.getError().getRecovery() != null || ownRetry.getAttempts() != null
				|| ownRetry.getInitialInterval() != null || ownRetry.getMultiplier() != null
				|| ownRetry.getMaxInterval() != null;
		return new StreamDefinition(id, "vstream.streams." + id, true, or(own.getKeyspace(), properties.getKeyspace()),
				or(own.getStartPosition(), properties.getStartPosition()),
				or(own.getStartVgtid(), properties.getStartVgtid()),
				or(own.getTablesToCopy(), properties.getTablesToCopy()), or(own.getShards(), properties.getShards()),
				or(own.getResetOnStart(), properties.isResetOnStart()),
				or(own.getAutoStartup(), properties.isAutoStartup()),
				or(own.getCopyNewTables(), properties.isCopyNewTables()), checkpoint, error, ownErrorHandling,
				or(own.getScaling().getMode(), properties.getScaling().getMode()));
	}

	/**
	 * @return this stream's scaling mode as the property that sets it, for messages
	 * ({@code vstream.streams.audit.scaling.mode=active-standby})
	 */
	String scalingModeSetting() {
		return this.prefix + ".scaling.mode=" + VStreamScalingConfigurations.modeName(this.scalingMode);
	}

	private static <T> T or(@Nullable T own, T shared) {
		return (own != null) ? own : shared;
	}

}
