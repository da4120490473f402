package dev.vstream.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.vstream.listener.ErrorRecovery;
import dev.vstream.position.StartPosition;
import dev.vstream.scaling.ScalingMode;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration of the VStream consumer.
 */
@ConfigurationProperties("vstream")
public class VStreamProperties implements Validator {

	/**
	 * Whether to stream changes from vtgate to @VStreamListener methods.
	 */
	private boolean enabled = true;

	/**
	 * Id of the stream; also the key under which its position is saved. Two applications
	 * with the same id and offset store share (and overwrite) one position.
	 */
	private String id = "default";

	/**
	 * Keyspace of listeners that name none: one keyspace name (keyspace patterns such as
	 * /.* are refused).
	 */
	private String keyspace = "";

	/**
	 * Where a stream without a saved position starts: 'copy' (existing rows first, then
	 * live changes) or 'current' (only changes from now on). A saved position always
	 * wins.
	 */
	private StartPosition startPosition = StartPosition.COPY;

	/**
	 * Tablet type vtgate streams from.
	 */
	private TabletTypeOption tabletType = TabletTypeOption.PRIMARY;

	/**
	 * How often vtgate sends a heartbeat on an idle stream; rounded down to whole
	 * seconds.
	 */
	private Duration heartbeatInterval = Duration.ofSeconds(10);

	/**
	 * Whether the stream stops when its keyspace is resharded, instead of following the
	 * new shards.
	 */
	private boolean stopOnReshard = false;

	/**
	 * Where a stream without a saved position starts, as a VGtid in JSON (the form the
	 * offset stores keep); overrides start-position.
	 */
	private String startVgtid = "";

	/**
	 * Per keyspace, the shards to stream (for example customer: -80); a keyspace not
	 * listed streams all its shards.
	 */
	private Map<String, List<String>> shards = new LinkedHashMap<>();

	/**
	 * Whether to discard the saved position when the application starts, and start again
	 * from start-position. Set it for one start only: it is the only way, besides the
	 * actuator, to drop a saved position.
	 */
	private boolean resetOnStart = false;

	/**
	 * Tables whose existing rows the copy phase copies, each a table name (in every
	 * listened keyspace that has a listener of it) or keyspace.table; empty to copy every
	 * listened table. The other tables stream only changes made from the start on.
	 */
	private List<String> tablesToCopy = new ArrayList<>();

	/**
	 * Whether to check at start-up, by asking vtgate for each keyspace's tables, that
	 * every listened keyspace and table exists; skipped when vtgate cannot answer.
	 */
	private boolean verifyTables = true;

	/**
	 * Whether vtgate sends a listener whose row type is a record or JavaBean (and that
	 * names no columns) only the columns its type maps, looked up in the table at each
	 * connect; off for every column. Turn off with partial row images
	 * (binlog_row_image=noblob, binlog_row_value_options=PARTIAL_JSON), which a
	 * projection cannot decode.
	 */
	private boolean autoProject = true;

	/**
	 * Whether a stream that has run before (according to its run marker, kept apart from
	 * the offset store) refuses to start without a saved position, instead of starting
	 * again at start-position. Needs a run marker: a DataSource or the embedded offset
	 * database, or a StreamRunMarker bean.
	 */
	private boolean requireSavedPosition = false;

	/**
	 * Whether a listened table that the saved position does not cover (its listener was
	 * added, or removed and added back, since the position was saved) has its existing
	 * rows copied first, as the stream's first start would have copied them
	 * (start-position=copy and tables-to-copy naming it or empty). When false, a warning
	 * names the table and only its changes from the saved position on are delivered.
	 */
	private boolean copyNewTables = true;

	/**
	 * How long a shard's position in the stream may stand still while the shard's own
	 * position (read through vtgate) has moved past it before the stream fails; zero
	 * never fails for this. vtgate keeps a stream open, without news of that shard, when
	 * its tablets cannot stream from the requested position.
	 */
	private Duration progressTimeout = Duration.ofMinutes(2);

	/**
	 * How long a shard's position in the stream may stand still while the shard's own
	 * position has moved past it before the stream reconnects (it does not fail for
	 * this): after a reparent or a tablet restart vtgate may wait 30 s for a serving
	 * tablet inside the open call, while a new call picks the new tablet at once. Shards
	 * standing still are looked at every half of this (one query through vtgate per such
	 * shard), and only while progress-timeout is above zero; zero leaves the wait to
	 * vtgate.
	 */
	private Duration stallTimeout = Duration.ofSeconds(10);

	/**
	 * How long a graceful stop (the application's shutdown, SIGTERM, the actuator's stop)
	 * waits for vtgate to send the rest of a transaction it finds in hand, split over
	 * several responses: the stream reads and handles it to its commit, then saves the
	 * position. Once this much time has passed since the stop, the stream stops anyway,
	 * logs a WARN naming the stream, and that transaction comes again whole on the next
	 * start; its call to vtgate is cancelled then even while a listener call holds the
	 * stream. A stop between transactions ends at once. Keep it below
	 * spring.lifecycle.timeout-per-shutdown-phase (and below scaling.lease in a scale-out
	 * mode); zero does not wait.
	 */
	private Duration stopTimeout = Duration.ofSeconds(10);

	/**
	 * After how long without a handled row change, while connected to vtgate, the stream
	 * publishes a VStreamIdleEvent (and again at each further interval while it stays
	 * idle). Found at vtgate's responses, heartbeats included, so an event comes up to
	 * one heartbeat-interval late. Zero for no idle events.
	 */
	private Duration idleEventInterval = Duration.ZERO;

	/**
	 * Whether the stream starts with the application.
	 */
	private boolean autoStartup = true;

	/**
	 * Where stream positions are saved.
	 */
	private OffsetStore offsetStore = OffsetStore.JDBC;

	private final Vtgate vtgate = new Vtgate();

	private final Reconnect reconnect = new Reconnect();

	private final Jdbc jdbc = new Jdbc();

	private final Redis redis = new Redis();

	private final Health health = new Health();

	private final Observation observation = new Observation();

	private final Checkpoint checkpoint = new Checkpoint();

	private final Copy copy = new Copy();

	private final Error error = new Error();

	private final Scaling scaling = new Scaling();

	/**
	 * VStreamFlags of the request to vtgate.
	 */
	@NestedConfigurationProperty
	private final VStreamFlagsProperties flags = new VStreamFlagsProperties();

	/**
	 * Further streams by id, each with its own saved position, for listeners that name
	 * the stream (@VStreamListener(stream = "<id>")); a setting a stream does not set
	 * takes the top-level value. The top-level settings are the default stream's.
	 */
	private final Map<String, NamedStreamProperties> streams = new LinkedHashMap<>();

	public VStreamFlagsProperties getFlags() {
		return this.flags;
	}

	public Map<String, NamedStreamProperties> getStreams() {
		return this.streams;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getId() {
		return this.id;
	}

	public void setId(String id) {
		this.id = id;
	}

	public String getKeyspace() {
		return this.keyspace;
	}

	public void setKeyspace(String keyspace) {
		this.keyspace = (keyspace != null) ? keyspace.trim() : "";
	}

	public StartPosition getStartPosition() {
		return this.startPosition;
	}

	public void setStartPosition(StartPosition startPosition) {
		this.startPosition = startPosition;
	}

	public TabletTypeOption getTabletType() {
		return this.tabletType;
	}

	public void setTabletType(TabletTypeOption tabletType) {
		this.tabletType = tabletType;
	}

	public Duration getHeartbeatInterval() {
		return this.heartbeatInterval;
	}

	public void setHeartbeatInterval(Duration heartbeatInterval) {
		this.heartbeatInterval = heartbeatInterval;
	}

	public boolean isStopOnReshard() {
		return this.stopOnReshard;
	}

	public void setStopOnReshard(boolean stopOnReshard) {
		this.stopOnReshard = stopOnReshard;
	}

	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	public List<String> getTablesToCopy() {
		return this.tablesToCopy;
	}

	public void setTablesToCopy(List<String> tablesToCopy) {
		this.tablesToCopy = tablesToCopy;
	}

	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	public OffsetStore getOffsetStore() {
		return this.offsetStore;
	}

	public void setOffsetStore(OffsetStore offsetStore) {
		this.offsetStore = offsetStore;
	}

	public Vtgate getVtgate() {
		return this.vtgate;
	}

	public Reconnect getReconnect() {
		return this.reconnect;
	}

	public Jdbc getJdbc() {
		return this.jdbc;
	}

	public Redis getRedis() {
		return this.redis;
	}

	public Health getHealth() {
		return this.health;
	}

	public Scaling getScaling() {
		return this.scaling;
	}

	public Observation getObservation() {
		return this.observation;
	}

	public Copy getCopy() {
		return this.copy;
	}

	public Checkpoint getCheckpoint() {
		return this.checkpoint;
	}

	public Error getError() {
		return this.error;
	}

	public String getStartVgtid() {
		return this.startVgtid;
	}

	public void setStartVgtid(String startVgtid) {
		this.startVgtid = (startVgtid != null) ? startVgtid.trim() : "";
	}

	public Map<String, List<String>> getShards() {
		return this.shards;
	}

	public void setShards(Map<String, List<String>> shards) {
		this.shards = shards;
	}

	public boolean isVerifyTables() {
		return this.verifyTables;
	}

	public void setVerifyTables(boolean verifyTables) {
		this.verifyTables = verifyTables;
	}

	public boolean isAutoProject() {
		return this.autoProject;
	}

	public void setAutoProject(boolean autoProject) {
		this.autoProject = autoProject;
	}

	public Duration getProgressTimeout() {
		return this.progressTimeout;
	}

	public void setProgressTimeout(Duration progressTimeout) {
		this.progressTimeout = progressTimeout;
	}

	public Duration getStallTimeout() {
		return this.stallTimeout;
	}

	public void setStallTimeout(Duration stallTimeout) {
		this.stallTimeout = stallTimeout;
	}

	public Duration getStopTimeout() {
		return this.stopTimeout;
	}

	public void setStopTimeout(Duration stopTimeout) {
		this.stopTimeout = stopTimeout;
	}

	public Duration getIdleEventInterval() {
		return this.idleEventInterval;
	}

	public void setIdleEventInterval(Duration idleEventInterval) {
		this.idleEventInterval = idleEventInterval;
	}

	public boolean isResetOnStart() {
		return this.resetOnStart;
	}

	public void setResetOnStart(boolean resetOnStart) {
		this.resetOnStart = resetOnStart;
	}

	public boolean isRequireSavedPosition() {
		return this.requireSavedPosition;
	}

	public void setRequireSavedPosition(boolean requireSavedPosition) {
		this.requireSavedPosition = requireSavedPosition;
	}

	public boolean isCopyNewTables() {
		return this.copyNewTables;
	}

	public void setCopyNewTables(boolean copyNewTables) {
		this.copyNewTables = copyNewTables;
	}

	@Override
	public boolean supports(Class<?> type) {
		return VStreamProperties.class.isAssignableFrom(type);
	}

	/**
	 * Checked by {@link VStreamPropertiesValidator} when Boot binds the properties.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		VStreamPropertiesValidator.validate((VStreamProperties) target, errors);
	}

	/**
	 * Several instances of the application sharing the stream.
	 */
	public static class Scaling {

		/**
		 * How instances share the stream: single (each instance streams everything; run
		 * one), active-standby (one instance streams, the others wait on a lock and take
		 * over) or shard-distributed (each shard owned by one instance at a time through
		 * a per-shard lock). Other modes than single need Spring Integration
		 * (spring-integration-jdbc with offset-store jdbc, spring-integration-redis with
		 * offset-store redis).
		 */
		private ScalingMode mode = ScalingMode.SINGLE;

		/**
		 * Id of this instance in the locks, shown by the actuator endpoint; at most 36
		 * characters. When empty, the host name and process id ("host-pid", the host name
		 * shortened to fit). Must differ between instances.
		 */
		private String instanceId = "";

		/**
		 * How long a lock stays valid without renewal: a crashed instance's shards are
		 * taken over after at most this plus the check interval (and the time a check
		 * takes), and it is also the longest time a change can be handled by an instance
		 * that lost its lock (the at-least-once window). In shard-distributed mode an
		 * instance takes at most one free shard per check during its first lease.
		 */
		private Duration lease = Duration.ofSeconds(15);

		/**
		 * How often locks are renewed and unowned shards looked for; at most half the
		 * lease.
		 */
		private Duration checkInterval = Duration.ofSeconds(3);

		/**
		 * Most shards this instance streams in shard-distributed mode; 0 for no limit.
		 * With a limit, instances beyond the shards' count stand by and take over from
		 * crashed ones.
		 */
		private int maxShardsPerInstance;

		private final ScalingJdbc jdbc = new ScalingJdbc();

		private final ScalingRedis redis = new ScalingRedis();

		public ScalingMode getMode() {
			return this.mode;
		}

		public void setMode(ScalingMode mode) {
			this.mode = mode;
		}

		public String getInstanceId() {
			return this.instanceId;
		}

		public void setInstanceId(String instanceId) {
			this.instanceId = instanceId;
		}

		public Duration getLease() {
			return this.lease;
		}

		public void setLease(Duration lease) {
			this.lease = lease;
		}

		public Duration getCheckInterval() {
			return this.checkInterval;
		}

		public void setCheckInterval(Duration checkInterval) {
			this.checkInterval = checkInterval;
		}

		public int getMaxShardsPerInstance() {
			return this.maxShardsPerInstance;
		}

		public void setMaxShardsPerInstance(int maxShardsPerInstance) {
			this.maxShardsPerInstance = maxShardsPerInstance;
		}

		public ScalingJdbc getJdbc() {
			return this.jdbc;
		}

		public ScalingRedis getRedis() {
			return this.redis;
		}

	}

	/**
	 * Locks in the offset store's database (Spring Integration's JdbcLockRegistry).
	 */
	public static class ScalingJdbc {

		/**
		 * Prefix of the lock table, which is named prefix + LOCK.
		 */
		private String tablePrefix = "INT_";

		/**
		 * Region of the locks in the lock table, separating applications that share it.
		 */
		private String region = "vstream";

		/**
		 * When to create the lock table if it does not exist, from the schema script of
		 * the database's platform
		 * (classpath:dev/vstream/scaling/schema-lock-@@platform@@.sql): always, embedded
		 * (only in an embedded database, the starter's own H2 file included) or never.
		 * The former true and false still work, as always and never.
		 */
		private DatabaseInitializationMode initializeSchema = DatabaseInitializationMode.ALWAYS;

		public String getTablePrefix() {
			return this.tablePrefix;
		}

		public void setTablePrefix(String tablePrefix) {
			this.tablePrefix = tablePrefix;
		}

		public String getRegion() {
			return this.region;
		}

		public void setRegion(String region) {
			this.region = region;
		}

		public DatabaseInitializationMode getInitializeSchema() {
			return this.initializeSchema;
		}

		public void setInitializeSchema(DatabaseInitializationMode initializeSchema) {
			this.initializeSchema = initializeSchema;
		}

	}

	/**
	 * Locks in the offset store's Redis (Spring Integration's RedisLockRegistry).
	 */
	public static class ScalingRedis {

		/**
		 * Prefix of the lock keys (the registry key of the RedisLockRegistry).
		 */
		private String registryKey = "vstream-lock";

		public String getRegistryKey() {
			return this.registryKey;
		}

		public void setRegistryKey(String registryKey) {
			this.registryKey = registryKey;
		}

	}

	/**
	 * Where stream positions are saved.
	 */
	public enum OffsetStore {

		/**
		 * A table in the application's DataSource, or in an embedded H2 file when it has
		 * none.
		 */
		JDBC,

		/** A key per stream in Redis. */
		REDIS,

		/** Memory only: a restart starts over from the start position. */
		MEMORY

	}

	/**
	 * What a stream does with a change whose listener failed: the values of
	 * {@link ErrorRecovery} a stream can default to (an unknown value then lists these,
	 * not {@code DEFAULT}, which only listeners can name).
	 */
	public enum RecoveryOption {

		/** Stop the stream without advancing its position. */
		STOP(ErrorRecovery.STOP),

		/** Log the change and move on. */
		SKIP(ErrorRecovery.SKIP),

		/** Hand the change to the DeadLetterHandler bean and move on. */
		DEAD_LETTER(ErrorRecovery.DEAD_LETTER);

		private final ErrorRecovery recovery;

		RecoveryOption(ErrorRecovery recovery) {
			this.recovery = recovery;
		}

		/**
		 * The recovery this option stands for.
		 * @return the recovery
		 */
		public ErrorRecovery toErrorRecovery() {
			return this.recovery;
		}

	}

	/**
	 * Tablet types vtgate can stream from.
	 */
	public enum TabletTypeOption {

		/** The primary tablet of each shard. */
		PRIMARY,

		/** A replica tablet. */
		REPLICA,

		/** A read-only tablet. */
		RDONLY

	}

	/**
	 * Connection to vtgate's gRPC port.
	 */
	public static class Vtgate {

		/**
		 * Address of vtgate's gRPC port, as host:port: one address, not a list (put a
		 * load balancer or a DNS name resolving to every vtgate in front of several).
		 */
		private String address = "localhost:15991";

		/**
		 * Largest message accepted from vtgate; a response carries whole transactions, so
		 * this must exceed the largest row batch. vtgate's own send limit is its
		 * --grpc-max-message-size (16 MiB by default): raise both for larger rows.
		 */
		private DataSize maxInboundMessageSize = DataSize.ofMegabytes(64);

		/**
		 * How long the connection may be idle before a keep-alive ping is sent; gRPC
		 * raises values below 10 seconds to 10 seconds.
		 */
		private Duration keepAliveTime = Duration.ofSeconds(30);

		/**
		 * How long to wait for a keep-alive ping's answer before the connection is
		 * considered broken.
		 */
		private Duration keepAliveTimeout = Duration.ofSeconds(10);

		/**
		 * User name sent to vtgate's static gRPC authentication (vtgate's
		 * --grpc-auth-mode=static) with every call, as the 'username' metadata; empty for
		 * none.
		 */
		private String username = "";

		/**
		 * Password sent with the user name, as the 'password' metadata. It travels in
		 * clear text unless ssl.bundle is set; prefer the VSTREAM_VTGATE_PASSWORD
		 * environment variable to a file or a command-line argument.
		 */
		private String password = "";

		/**
		 * Whether to send the user name and password without TLS (no ssl.bundle) to a
		 * vtgate that is not on loopback, where they cross the network in clear text.
		 * Refused at start-up unless set.
		 */
		private boolean allowPlaintextCredentials;

		private final Ssl ssl = new Ssl();

		public boolean isAllowPlaintextCredentials() {
			return this.allowPlaintextCredentials;
		}

		public void setAllowPlaintextCredentials(boolean allowPlaintextCredentials) {
			this.allowPlaintextCredentials = allowPlaintextCredentials;
		}

		public String getUsername() {
			return this.username;
		}

		public void setUsername(String username) {
			this.username = (username != null) ? username.trim() : "";
		}

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
			this.password = (password != null) ? password : "";
		}

		public Ssl getSsl() {
			return this.ssl;
		}

		@Override
		public String toString() {
			return "Vtgate[address=" + this.address + ", username=" + this.username + ", password="
					+ (this.password.isEmpty() ? "" : "******") + ", ssl.bundle=" + this.ssl.getBundle() + "]";
		}

		public String getAddress() {
			return this.address;
		}

		public void setAddress(String address) {
			this.address = (address != null) ? address.trim() : null;
		}

		public DataSize getMaxInboundMessageSize() {
			return this.maxInboundMessageSize;
		}

		public void setMaxInboundMessageSize(DataSize maxInboundMessageSize) {
			this.maxInboundMessageSize = maxInboundMessageSize;
		}

		public Duration getKeepAliveTime() {
			return this.keepAliveTime;
		}

		public void setKeepAliveTime(Duration keepAliveTime) {
			this.keepAliveTime = keepAliveTime;
		}

		public Duration getKeepAliveTimeout() {
			return this.keepAliveTimeout;
		}

		public void setKeepAliveTimeout(Duration keepAliveTimeout) {
			this.keepAliveTimeout = keepAliveTimeout;
		}

	}

	/**
	 * TLS to vtgate.
	 */
	public static class Ssl {

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.pem.NAME or
		 * spring.ssl.bundle.jks.NAME) whose trust material verifies vtgate's certificate
		 * and whose key material, when it has any, is the client certificate (mutual
		 * TLS); empty for a plaintext connection.
		 */
		private String bundle = "";

		public String getBundle() {
			return this.bundle;
		}

		public void setBundle(String bundle) {
			this.bundle = (bundle != null) ? bundle.trim() : "";
		}

	}

	/**
	 * Reconnecting after the stream breaks (vtgate restart, network cut, stream end).
	 */
	public static class Reconnect {

		/**
		 * Delay before the first reconnect attempt.
		 */
		private Duration initialInterval = Duration.ofSeconds(1);

		/**
		 * Factor applied to the delay after each failed attempt.
		 */
		private double multiplier = 2.0;

		/**
		 * Longest delay between two attempts.
		 */
		private Duration maxInterval = Duration.ofSeconds(30);

		/**
		 * Random variation of each delay, so that many instances do not reconnect in
		 * lock-step: up to this much, times the delay divided by initial-interval, either
		 * side of the delay, never below initial-interval nor above max-interval. Capped
		 * at initial-interval: a larger value counts as initial-interval.
		 */
		private Duration jitter = Duration.ofMillis(500);

		/**
		 * How long to keep trying before the stream fails, counted as the sum of the
		 * delays waited; zero for no limit.
		 */
		private Duration maxElapsedTime = Duration.ZERO;

		public Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

		public Duration getJitter() {
			return this.jitter;
		}

		public void setJitter(Duration jitter) {
			this.jitter = jitter;
		}

		public Duration getMaxElapsedTime() {
			return this.maxElapsedTime;
		}

		public void setMaxElapsedTime(Duration maxElapsedTime) {
			this.maxElapsedTime = maxElapsedTime;
		}

	}

	/**
	 * The JDBC offset store.
	 */
	public static class Jdbc {

		/**
		 * Table holding one row per stream.
		 */
		private String tableName = "vstream_offset";

		/**
		 * When to create the offset table and the run marker table (table name + _run) if
		 * they do not exist, from the schema scripts of the database's platform
		 * (classpath:dev/vstream/offset/schema-@@platform@@.sql and
		 * schema-run-@@platform@@.sql): always, embedded (only in an embedded database,
		 * the starter's own H2 file included) or never. The former true and false still
		 * work, as always and never.
		 */
		private DatabaseInitializationMode initializeSchema = DatabaseInitializationMode.ALWAYS;

		/**
		 * Platform of the schema scripts (the @@platform@@ of their names, also used for
		 * the lock table): h2, postgresql or mysql (MySQL and MariaDB), or the name of a
		 * script of your own at the same location; empty to detect it from the database.
		 */
		private String platform = "";

		/**
		 * Whether listeners' work and the position save share one transaction when the
		 * offset table lives in the application's DataSource and its transaction manager
		 * is available: then a crash neither loses nor repeats an effect written through
		 * that DataSource.
		 */
		private boolean transactional = true;

		/**
		 * JDBC URL of the embedded H2 database used when the application has no
		 * DataSource. The default file is relative to the working directory, which must
		 * then be kept across restarts. DB_CLOSE_ON_EXIT=FALSE and WRITE_DELAY=0 are
		 * added unless the URL sets them: the last position is saved on shutdown, and
		 * each save is written before it returns.
		 */
		private String embeddedUrl = "jdbc:h2:file:./.vstream/offsets";

		public String getTableName() {
			return this.tableName;
		}

		public void setTableName(String tableName) {
			this.tableName = tableName;
		}

		public boolean isTransactional() {
			return this.transactional;
		}

		public void setTransactional(boolean transactional) {
			this.transactional = transactional;
		}

		public DatabaseInitializationMode getInitializeSchema() {
			return this.initializeSchema;
		}

		public void setInitializeSchema(DatabaseInitializationMode initializeSchema) {
			this.initializeSchema = initializeSchema;
		}

		public String getPlatform() {
			return this.platform;
		}

		public void setPlatform(String platform) {
			this.platform = (platform != null) ? platform.trim() : "";
		}

		public String getEmbeddedUrl() {
			return this.embeddedUrl;
		}

		public void setEmbeddedUrl(String embeddedUrl) {
			this.embeddedUrl = embeddedUrl;
		}

	}

	/**
	 * The Redis offset store.
	 */
	public static class Redis {

		/**
		 * Prefix of the key holding a stream's position; the stream id follows it.
		 */
		private String keyPrefix = "vstream:offset:";

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

	}

	/**
	 * The {@code vstream} health contributor.
	 */
	public static class Health {

		/**
		 * How long a stream may be reconnecting, or waiting for its offset store
		 * (STORE_UNAVAILABLE), before its health is DOWN.
		 */
		private Duration reconnectTimeout = Duration.ofSeconds(60);

		public Duration getReconnectTimeout() {
			return this.reconnectTimeout;
		}

		public void setReconnectTimeout(Duration reconnectTimeout) {
			this.reconnectTimeout = reconnectTimeout;
		}

	}

	/**
	 * Micrometer observation of listener calls.
	 */
	public static class Observation {

		/**
		 * Whether to observe each listener call (a vstream.listener Observation): a span
		 * per call with a tracer, and, with Boot's meter handler, a vstream.listener
		 * timer in place of vstream.changes.dispatched.
		 */
		private boolean enabled = false;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * The copy phase (existing rows copied before the changes stream).
	 */
	public static class Copy {

		/**
		 * How often the copy phase logs its progress, a line (INFO) per table being
		 * copied: rows copied, of the estimated total, rate and time left. Checked as
		 * vtgate's responses arrive. Zero for no progress lines (the start and end of
		 * each table's copy are still logged).
		 */
		private Duration progressLogInterval = Duration.ofSeconds(30);

		public Duration getProgressLogInterval() {
			return this.progressLogInterval;
		}

		public void setProgressLogInterval(Duration progressLogInterval) {
			this.progressLogInterval = progressLogInterval;
		}

	}

	/**
	 * When stream positions are saved.
	 */
	public static class Checkpoint {

		/**
		 * Save the position once this many transactions were handled since the last save;
		 * after a crash, at most this many transactions are delivered again.
		 */
		private int transactions = 1;

		/**
		 * Save the position once this long passed since the last save, whatever the
		 * count; zero for no time limit. Checked as responses arrive, vtgate's heartbeats
		 * included: an idle stream saves at its next heartbeat.
		 */
		private Duration interval = Duration.ZERO;

		/**
		 * Group commit while the stream is behind.
		 */
		private final Group group = new Group();

		public int getTransactions() {
			return this.transactions;
		}

		public Group getGroup() {
			return this.group;
		}

		public void setTransactions(int transactions) {
			this.transactions = transactions;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		/**
		 * Group commit: while the stream is behind (when a transaction ends, more of
		 * vtgate's events are already received and waiting), a save that is due waits for
		 * the transactions at hand, so that one save covers them; while it keeps up,
		 * saves are at least a minimum interval apart. At idle every due save happens at
		 * once.
		 */
		public static class Group {

			/**
			 * While behind, a due save waits until this many transactions are unsaved;
			 * after a crash under load, at most this many transactions are delivered
			 * again. 1 turns group commit off.
			 */
			private int transactions = 1000;

			/**
			 * While behind, a due save waits at most this long since the last save.
			 */
			private Duration interval = Duration.ofMillis(100);

			/**
			 * While the stream keeps up (nothing waiting when a transaction ends), the
			 * least time between two saves: a save due sooner is put off until this long
			 * passed since the last one, then made whether or not more arrives; after a
			 * quieter spell a transaction is saved as it ends. After a crash, at most the
			 * transactions of this long are delivered again. Zero saves every due
			 * transaction at once. Not applied when the listeners' work commits with the
			 * position (vstream.jdbc.transactional).
			 */
			private Duration minInterval = Duration.ofMillis(100);

			public int getTransactions() {
				return this.transactions;
			}

			public void setTransactions(int transactions) {
				this.transactions = transactions;
			}

			public Duration getInterval() {
				return this.interval;
			}

			public void setInterval(Duration interval) {
				this.interval = interval;
			}

			public Duration getMinInterval() {
				return this.minInterval;
			}

			public void setMinInterval(Duration minInterval) {
				this.minInterval = minInterval;
			}

		}

	}

	/**
	 * What happens when a listener fails.
	 */
	public static class Error {

		/**
		 * What happens to a change once its listener failed and the retries failed too:
		 * 'stop' (stop the stream without advancing its position), 'skip' (log and move
		 * on) or 'dead-letter' (hand it to the DeadLetterHandler bean and move on).
		 */
		private RecoveryOption recovery = RecoveryOption.STOP;

		private final Retry retry = new Retry();

		public RecoveryOption getRecovery() {
			return this.recovery;
		}

		public void setRecovery(RecoveryOption recovery) {
			this.recovery = recovery;
		}

		public Retry getRetry() {
			return this.retry;
		}

		/**
		 * Retrying a failed listener call with the same change.
		 */
		public static class Retry {

			/**
			 * How many times a failed listener call is retried; zero for none.
			 */
			private int attempts = 3;

			/**
			 * Delay before the first retry.
			 */
			private Duration initialInterval = Duration.ofSeconds(1);

			/**
			 * Factor applied to the delay after each retry.
			 */
			private double multiplier = 2.0;

			/**
			 * Longest delay between two retries.
			 */
			private Duration maxInterval = Duration.ofSeconds(10);

			public int getAttempts() {
				return this.attempts;
			}

			public void setAttempts(int attempts) {
				this.attempts = attempts;
			}

			public Duration getInitialInterval() {
				return this.initialInterval;
			}

			public void setInitialInterval(Duration initialInterval) {
				this.initialInterval = initialInterval;
			}

			public double getMultiplier() {
				return this.multiplier;
			}

			public void setMultiplier(double multiplier) {
				this.multiplier = multiplier;
			}

			public Duration getMaxInterval() {
				return this.maxInterval;
			}

			public void setMaxInterval(Duration maxInterval) {
				this.maxInterval = maxInterval;
			}

		}

	}

}
