package dev.vstream.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.vstream.position.StreamPosition;
import dev.vstream.scaling.ScalingMode;
import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;

/**
 * The checks behind {@link VStreamProperties#validate}: values that binding alone accepts
 * but the stream cannot use, so that start-up fails naming the property (Boot reports
 * each rejected field with its full property name).
 */
final class VStreamPropertiesValidator {

	private VStreamPropertiesValidator() {
	}

	static void validate(VStreamProperties properties, Errors errors) {
		if (properties.getId() == null || properties.getId().isBlank()) {
			errors.rejectValue("id", "blank", "must not be blank");
		}
		if (properties.getKeyspace().startsWith("/")) {
			errors.rejectValue("keyspace", "pattern",
					"must name one keyspace: keyspace patterns (/regex) are not supported");
		}
		try {
			VtgateAddress.parse(properties.getVtgate().getAddress());
		}
		catch (IllegalArgumentException ex) {
			errors.rejectValue("vtgate.address", "invalid", ex.getMessage());
		}
		DataSize maxInbound = properties.getVtgate().getMaxInboundMessageSize();
		if (maxInbound == null || maxInbound.toBytes() < 1024 || maxInbound.toBytes() > Integer.MAX_VALUE) {
			errors.rejectValue("vtgate.max-inbound-message-size", "range", "must be between 1KB and 2GB");
		}
		if (properties.getVtgate().getUsername().isEmpty() != properties.getVtgate().getPassword().isEmpty()) {
			errors.rejectValue("vtgate.username", "incomplete",
					"vstream.vtgate.username and vstream.vtgate.password must be set together");
		}
		notNegative(errors, "heartbeat-interval", properties.getHeartbeatInterval());
		notNegative(errors, "progress-timeout", properties.getProgressTimeout());
		notNegative(errors, "copy.progress-log-interval", properties.getCopy().getProgressLogInterval());
		notNegative(errors, "stall-timeout", properties.getStallTimeout());
		notNegative(errors, "stop-timeout", properties.getStopTimeout());
		positive(errors, "vtgate.keep-alive-time", properties.getVtgate().getKeepAliveTime());
		positive(errors, "vtgate.keep-alive-timeout", properties.getVtgate().getKeepAliveTimeout());
		positive(errors, "reconnect.initial-interval", properties.getReconnect().getInitialInterval());
		positive(errors, "reconnect.max-interval", properties.getReconnect().getMaxInterval());
		notNegative(errors, "reconnect.jitter", properties.getReconnect().getJitter());
		notNegative(errors, "reconnect.max-elapsed-time", properties.getReconnect().getMaxElapsedTime());
		if (properties.getReconnect().getMultiplier() < 1.0) {
			errors.rejectValue("reconnect.multiplier", "range", "must be at least 1");
		}
		String table = properties.getJdbc().getTableName();
		if (table == null || !table.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?")) {
			errors.rejectValue("jdbc.table-name", "identifier", "must be a plain SQL identifier");
		}
		String url = properties.getJdbc().getEmbeddedUrl();
		if (url == null || !url.startsWith("jdbc:h2:")) {
			errors.rejectValue("jdbc.embedded-url", "h2", "must be an H2 JDBC URL (jdbc:h2:...)");
		}
		notNegative(errors, "health.reconnect-timeout", properties.getHealth().getReconnectTimeout());
		if (properties.getCheckpoint().getTransactions() < 1) {
			errors.rejectValue("checkpoint.transactions", "range", "must be at least 1");
		}
		notNegative(errors, "checkpoint.interval", properties.getCheckpoint().getInterval());
		if (properties.getCheckpoint().getGroup().getTransactions() < 1) {
			errors.rejectValue("checkpoint.group.transactions", "range", "must be at least 1");
		}
		notNegative(errors, "checkpoint.group.interval", properties.getCheckpoint().getGroup().getInterval());
		notNegative(errors, "checkpoint.group.min-interval", properties.getCheckpoint().getGroup().getMinInterval());
		VStreamProperties.Error.Retry retry = properties.getError().getRetry();
		if (retry.getAttempts() < 0) {
			errors.rejectValue("error.retry.attempts", "range", "must not be negative");
		}
		notNegative(errors, "error.retry.initial-interval", retry.getInitialInterval());
		notNegative(errors, "error.retry.max-interval", retry.getMaxInterval());
		if (retry.getMultiplier() < 1.0) {
			errors.rejectValue("error.retry.multiplier", "range", "must be at least 1");
		}
		if (properties.getError().getRecovery() == null) {
			errors.rejectValue("error.recovery", "null", "must be stop, skip or dead-letter");
		}
		if (!properties.getStartVgtid().isEmpty()) {
			try {
				StreamPosition.fromJson(properties.getStartVgtid());
			}
			catch (IllegalArgumentException ex) {
				errors.rejectValue("start-vgtid", "invalid", ex.getMessage());
			}
		}
		if (properties.getRedis().getKeyPrefix() == null) {
			errors.rejectValue("redis.key-prefix", "null", "must not be null");
		}
		validateScaling(properties, errors);
		validateRequest(properties, errors);
		properties.getStreams().forEach((id, stream) -> validateStream(properties, id, stream, errors));
	}

	/**
	 * A named stream's own settings ({@code vstream.streams.<id>.*}); the top-level ones
	 * it takes are checked above. The messages name the whole property: the rejected
	 * field is the map.
	 */
	private static void validateStream(VStreamProperties properties, String id, NamedStreamProperties stream,
			Errors errors) {
		String prefix = "vstream.streams." + id;
		if (!id.matches("[A-Za-z0-9_-]+")) {
			reject(errors, prefix, "invalid-id",
					"a stream id may hold letters, digits, '_' and '-' only (it names the stream's health "
							+ "component, endpoint path and saved position)");
			return;
		}
		if (id.equals(properties.getId())) {
			reject(errors, prefix, "default-id", "'" + id + "' is the default stream's id (vstream.id): name the "
					+ "named stream differently, or change vstream.id");
		}
		String keyspace = stream.getKeyspace();
		if (keyspace != null && (keyspace.startsWith("/") || !keyspace.matches("[^,\\s]*"))) {
			reject(errors, prefix + ".keyspace", "keyspace", "must name one keyspace");
		}
		Integer transactions = stream.getCheckpoint().getTransactions();
		if (transactions != null && transactions < 1) {
			reject(errors, prefix + ".checkpoint.transactions", "range", "must be at least 1");
		}
		ownNotNegative(errors, prefix + ".checkpoint.interval", stream.getCheckpoint().getInterval());
		NamedStreamProperties.Error.Retry retry = stream.getError().getRetry();
		if (retry.getAttempts() != null && retry.getAttempts() < 0) {
			reject(errors, prefix + ".error.retry.attempts", "range", "must not be negative");
		}
		ownNotNegative(errors, prefix + ".error.retry.initial-interval", retry.getInitialInterval());
		ownNotNegative(errors, prefix + ".error.retry.max-interval", retry.getMaxInterval());
		if (retry.getMultiplier() != null && retry.getMultiplier() < 1.0) {
			reject(errors, prefix + ".error.retry.multiplier", "range", "must be at least 1");
		}
		if (stream.getStartVgtid() != null && !stream.getStartVgtid().isEmpty()) {
			try {
				StreamPosition.fromJson(stream.getStartVgtid());
			}
			catch (IllegalArgumentException ex) {
				reject(errors, prefix + ".start-vgtid", "invalid", ex.getMessage());
			}
		}
		for (String entry : (stream.getTablesToCopy() != null) ? stream.getTablesToCopy() : List.<String>of()) {
			if (entry == null || !entry.matches("[^.\\s]+(\\.[^.\\s]+)?")) {
				reject(errors, prefix + ".tables-to-copy", "invalid",
						"entries must be a table name or keyspace.table; got '" + entry + "'");
			}
		}
		NamedStreamProperties.Checkpoint.Group group = stream.getCheckpoint().getGroup();
		if (group.getTransactions() != null && group.getTransactions() < 1) {
			reject(errors, prefix + ".checkpoint.group.transactions", "range", "must be at least 1");
		}
		ownNotNegative(errors, prefix + ".checkpoint.group.interval", group.getInterval());
		ownNotNegative(errors, prefix + ".checkpoint.group.min-interval", group.getMinInterval());
		validateStreamScaling(properties, prefix, stream, errors);
	}

	/**
	 * What a named stream's scaling mode (its own, or the top-level one it takes) cannot
	 * go with, as for the default stream.
	 */
	private static void validateStreamScaling(VStreamProperties properties, String prefix, NamedStreamProperties stream,
			Errors errors) {
		ScalingMode own = stream.getScaling().getMode();
		ScalingMode mode = (own != null) ? own : properties.getScaling().getMode();
		if (mode == null || mode == ScalingMode.SINGLE) {
			return;
		}
		String modeProperty = (own != null) ? prefix + ".scaling.mode" : "vstream.scaling.mode";
		String setting = modeProperty + "=" + VStreamScalingConfigurations.modeName(mode);
		if (own != null && properties.getOffsetStore() == VStreamProperties.OffsetStore.MEMORY) {
			reject(errors, prefix + ".scaling.mode", "store",
					setting + " needs a shared offset store: set vstream.offset-store to jdbc or redis, not memory");
		}
		Map<String, List<String>> shards = (stream.getShards() != null) ? stream.getShards() : properties.getShards();
		if (mode == ScalingMode.SHARD_DISTRIBUTED && !shards.isEmpty()) {
			String shardsProperty = (stream.getShards() != null) ? prefix + ".shards" : "vstream.shards";
			reject(errors, setting, "shards", "distributes every shard; remove " + shardsProperty);
		}
		boolean reset = (stream.getResetOnStart() != null) ? stream.getResetOnStart() : properties.isResetOnStart();
		if (reset) {
			reject(errors, prefix + ".reset-on-start", "scaling",
					"cannot be used with " + setting + ": every instance would discard the shared position");
		}
	}

	private static void reject(Errors errors, String property, String code, String message) {
		errors.rejectValue("streams", code, property + " " + message);
	}

	/**
	 * The keyspace names and flags of the VStream request: several keyspaces in
	 * {@code vstream.keyspace} would be one keyspace of that name for vtgate (a keyspace
	 * name may hold '-', not ',' or blanks).
	 */
	private static void validateRequest(VStreamProperties properties, Errors errors) {
		String keyspace = properties.getKeyspace();
		if (!keyspace.startsWith("/") && !keyspace.matches("[^,\\s]*")) {
			errors.rejectValue("keyspace", "several",
					"must name one keyspace: several keyspaces in vstream.keyspace are not supported; name each "
							+ "listener's keyspace with @VStreamListener(keyspace): one stream streams them all, "
							+ "with one position");
		}
		VStreamFlagsProperties flags = properties.getFlags();
		if (flags.getTransactionChunkSize() == null || flags.getTransactionChunkSize().isNegative()) {
			errors.rejectValue("flags.transaction-chunk-size", "negative", "must not be negative");
		}
		else if (flags.isMinimizeSkew() && flags.getTransactionChunkSize().toBytes() > 0) {
			errors.rejectValue("flags.transaction-chunk-size", "skew",
					"vtgate ignores transaction_chunk_size together with minimize_skew: set only one of "
							+ "vstream.flags.transaction-chunk-size and vstream.flags.minimize-skew");
		}
		for (String entry : properties.getTablesToCopy()) {
			if (entry == null || !entry.matches("[^.\\s]+(\\.[^.\\s]+)?")) {
				errors.rejectValue("tables-to-copy", "invalid",
						"entries must be a table name or keyspace.table; got '" + entry + "'");
			}
		}
		if (flags.getCellPreference() == null || flags.getTabletOrder() == null) {
			errors.rejectValue("flags", "null", "cell-preference and tablet-order must not be null");
		}
	}

	private static void validateScaling(VStreamProperties properties, Errors errors) {
		VStreamProperties.Scaling scaling = properties.getScaling();
		if (scaling.getMode() == null) {
			errors.rejectValue("scaling.mode", "null", "must be single, active-standby or shard-distributed");
			return;
		}
		positive(errors, "scaling.lease", scaling.getLease());
		positive(errors, "scaling.check-interval", scaling.getCheckInterval());
		if (scaling.getLease() != null && scaling.getCheckInterval() != null
				&& scaling.getCheckInterval().multipliedBy(2).compareTo(scaling.getLease()) > 0) {
			errors.rejectValue("scaling.check-interval", "range",
					"must be at most half of vstream.scaling.lease, so that a lock is renewed before it expires");
		}
		if (scaling.getMaxShardsPerInstance() < 0) {
			errors.rejectValue("scaling.max-shards-per-instance", "range", "must not be negative (0: no limit)");
		}
		String instanceId = scaling.getInstanceId();
		if (instanceId == null || instanceId.length() > 36 || !instanceId.equals(instanceId.trim())) {
			errors.rejectValue("scaling.instance-id", "invalid",
					"must be at most 36 characters without surrounding blanks (it is the lock table's CLIENT_ID)");
		}
		if (scaling.getMode() == ScalingMode.SINGLE) {
			return;
		}
		if (properties.getOffsetStore() == VStreamProperties.OffsetStore.MEMORY) {
			errors.rejectValue("scaling.mode", "store",
					"vstream.scaling.mode=" + VStreamScalingConfigurations.modeName(scaling.getMode())
							+ " needs a shared offset store: set vstream.offset-store to jdbc or redis, not memory");
		}
		if (scaling.getMode() == ScalingMode.SHARD_DISTRIBUTED && !properties.getShards().isEmpty()) {
			errors.rejectValue("scaling.mode", "shards",
					"vstream.scaling.mode=shard-distributed distributes every shard; remove vstream.shards");
		}
		if (properties.isResetOnStart()) {
			errors.rejectValue("reset-on-start", "scaling",
					"cannot be used with vstream.scaling.mode other than single: every instance would discard "
							+ "the shared position");
		}
	}

	private static void ownNotNegative(Errors errors, String property, @Nullable Duration value) {
		if (value != null && value.isNegative()) {
			reject(errors, property, "negative", "must not be negative");
		}
	}

	private static void notNegative(Errors errors, String property, Duration value) {
		if (value == null || value.isNegative()) {
			errors.rejectValue(property, "negative", "must not be negative");
		}
	}

	private static void positive(Errors errors, String property, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			errors.rejectValue(property, "positive", "must be positive");
		}
	}

}
