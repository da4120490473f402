package dev.vstream.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.vstream.position.StartPosition;
import dev.vstream.scaling.ScalingMode;
import org.jspecify.annotations.Nullable;

/**
 * Configuration of one named stream, {@code vstream.streams.<id>.*}: the settings a
 * stream may have of its own. A setting left unset takes the top-level {@code vstream.*}
 * value (the default stream's); the connection to vtgate, the offset store, the request
 * flags, the timeouts and the lock store of the scaled modes (lease, check interval,
 * instance id) are shared by every stream. Only fields and their documentation:
 * {@code VStreamPropertiesValidator} checks the values and {@code StreamDefinition}
 * merges them with the top-level ones.
 */
public class NamedStreamProperties {

	/**
	 * Keyspace of this stream's listeners that name none.
	 */
	private @Nullable String keyspace;

	/**
	 * Where this stream starts without a saved position: 'copy' or 'current'.
	 */
	private @Nullable StartPosition startPosition;

	/**
	 * Where this stream starts without a saved position, as a VGtid in JSON; overrides
	 * start-position.
	 */
	private @Nullable String startVgtid;

	/**
	 * Tables whose existing rows this stream's copy phase copies; empty for every
	 * listened table.
	 */
	private @Nullable List<String> tablesToCopy;

	/**
	 * Per keyspace, the shards this stream streams.
	 */
	private @Nullable Map<String, List<String>> shards;

	/**
	 * Whether to discard this stream's saved position when the application starts.
	 */
	private @Nullable Boolean resetOnStart;

	/**
	 * Whether this stream starts with the application.
	 */
	private @Nullable Boolean autoStartup;

	/**
	 * Whether a listened table of this stream that its saved position does not cover has
	 * its existing rows copied first; false logs a WARN naming it.
	 */
	private @Nullable Boolean copyNewTables;

	private final Checkpoint checkpoint = new Checkpoint();

	private final Error error = new Error();

	private final Scaling scaling = new Scaling();

	public @Nullable String getKeyspace() {
		return this.keyspace;
	}

	public void setKeyspace(@Nullable String keyspace) {
		this.keyspace = keyspace;
	}

	public @Nullable StartPosition getStartPosition() {
		return this.startPosition;
	}

	public void setStartPosition(@Nullable StartPosition startPosition) {
		this.startPosition = startPosition;
	}

	public @Nullable String getStartVgtid() {
		return this.startVgtid;
	}

	public void setStartVgtid(@Nullable String startVgtid) {
		this.startVgtid = startVgtid;
	}

	public @Nullable List<String> getTablesToCopy() {
		return this.tablesToCopy;
	}

	public void setTablesToCopy(@Nullable List<String> tablesToCopy) {
		this.tablesToCopy = tablesToCopy;
	}

	public @Nullable Map<String, List<String>> getShards() {
		return this.shards;
	}

	public void setShards(@Nullable Map<String, List<String>> shards) {
		this.shards = shards;
	}

	public @Nullable Boolean getResetOnStart() {
		return this.resetOnStart;
	}

	public void setResetOnStart(@Nullable Boolean resetOnStart) {
		this.resetOnStart = resetOnStart;
	}

	public @Nullable Boolean getAutoStartup() {
		return this.autoStartup;
	}

	public void setAutoStartup(@Nullable Boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	public @Nullable Boolean getCopyNewTables() {
		return this.copyNewTables;
	}

	public void setCopyNewTables(@Nullable Boolean copyNewTables) {
		this.copyNewTables = copyNewTables;
	}

	public Checkpoint getCheckpoint() {
		return this.checkpoint;
	}

	public Error getError() {
		return this.error;
	}

	public Scaling getScaling() {
		return this.scaling;
	}

	/**
	 * When this stream's positions are saved.
	 */
	public static class Checkpoint {

		/**
		 * Save the position once this many transactions were handled since the last save.
		 */
		private @Nullable Integer transactions;

		/**
		 * Save the position once this long passed since the last save; zero for no time
		 * limit.
		 */
		private @Nullable Duration interval;

		private final Group group = new Group();

		public @Nullable Integer getTransactions() {
			return this.transactions;
		}

		public void setTransactions(@Nullable Integer transactions) {
			this.transactions = transactions;
		}

		public @Nullable Duration getInterval() {
			return this.interval;
		}

		public void setInterval(@Nullable Duration interval) {
			this.interval = interval;
		}

		public Group getGroup() {
			return this.group;
		}

		/**
		 * Group commit of this stream: how long a due save waits while the stream is
		 * behind, and how far apart saves are while it keeps up.
		 */
		public static class Group {

			/**
			 * While this stream is behind, a due save waits until this many transactions
			 * are unsaved; 1 turns group commit off.
			 */
			private @Nullable Integer transactions;

			/**
			 * While this stream is behind, a due save waits at most this long since the
			 * last save.
			 */
			private @Nullable Duration interval;

			/**
			 * While this stream keeps up, the least time between two saves; a save due
			 * sooner is put off until then. Zero saves every due transaction at once.
			 */
			private @Nullable Duration minInterval;

			public @Nullable Integer getTransactions() {
				return this.transactions;
			}

			public void setTransactions(@Nullable Integer transactions) {
				this.transactions = transactions;
			}

			public @Nullable Duration getInterval() {
				return this.interval;
			}

			public void setInterval(@Nullable Duration interval) {
				this.interval = interval;
			}

			public @Nullable Duration getMinInterval() {
				return this.minInterval;
			}

			public void setMinInterval(@Nullable Duration minInterval) {
				this.minInterval = minInterval;
			}

		}

	}

	/**
	 * What happens when one of this stream's listeners fails.
	 */
	public static class Error {

		/**
		 * What happens to a change once its listener and the retries failed: 'stop',
		 * 'skip' or 'dead-letter'.
		 */
		private VStreamProperties.@Nullable RecoveryOption recovery;

		private final Retry retry = new Retry();

		public VStreamProperties.@Nullable RecoveryOption getRecovery() {
			return this.recovery;
		}

		public void setRecovery(VStreamProperties.@Nullable RecoveryOption recovery) {
			this.recovery = recovery;
		}

		public Retry getRetry() {
			return this.retry;
		}

		/**
		 * Retrying a failed listener call of this stream.
		 */
		public static class Retry {

			/**
			 * How many times a failed listener call is retried; zero for none.
			 */
			private @Nullable Integer attempts;

			/**
			 * Delay before the first retry.
			 */
			private @Nullable Duration initialInterval;

			/**
			 * Factor applied to the delay after each retry.
			 */
			private @Nullable Double multiplier;

			/**
			 * Longest delay between two retries.
			 */
			private @Nullable Duration maxInterval;

			public @Nullable Integer getAttempts() {
				return this.attempts;
			}

			public void setAttempts(@Nullable Integer attempts) {
				this.attempts = attempts;
			}

			public @Nullable Duration getInitialInterval() {
				return this.initialInterval;
			}

			public void setInitialInterval(@Nullable Duration initialInterval) {
				this.initialInterval = initialInterval;
			}

			public @Nullable Double getMultiplier() {
				return this.multiplier;
			}

			public void setMultiplier(@Nullable Double multiplier) {
				this.multiplier = multiplier;
			}

			public @Nullable Duration getMaxInterval() {
				return this.maxInterval;
			}

			public void setMaxInterval(@Nullable Duration maxInterval) {
				this.maxInterval = maxInterval;
			}

		}

	}

	/**
	 * How instances share this stream.
	 */
	public static class Scaling {

		/**
		 * How instances share this stream: 'single', 'active-standby' or
		 * 'shard-distributed'. The lock store and its settings (vstream.scaling.*) are
		 * shared by every stream.
		 */
		private @Nullable ScalingMode mode;

		public @Nullable ScalingMode getMode() {
			return this.mode;
		}

		public void setMode(@Nullable ScalingMode mode) {
			this.mode = mode;
		}

	}

}
