package dev.vstream.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.vstream.stream.StartPosition;

import org.springframework.boot.context.properties.ConfigurationProperties;
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
	 * Id of the stream; also the key under which its position is saved. Two applications with the
	 * same id and offset store share (and overwrite) one position.
	 */
	private String id = "default";

	/**
	 * Keyspace of listeners that name none.
	 */
	private String keyspace = "";

	/**
	 * Where a stream without a saved position starts: 'copy' (existing rows first, then live
	 * changes) or 'current' (only changes from now on). A saved position always wins.
	 */
	private StartPosition startPosition = StartPosition.COPY;

	/**
	 * Tablet type vtgate streams from.
	 */
	private TabletTypeOption tabletType = TabletTypeOption.PRIMARY;

	/**
	 * How often vtgate sends a heartbeat on an idle stream; rounded down to whole seconds.
	 */
	private Duration heartbeatInterval = Duration.ofSeconds(10);

	/**
	 * Whether the stream stops when its keyspace is resharded, instead of following the new shards.
	 */
	private boolean stopOnReshard = false;

	/**
	 * Tables whose existing rows the copy phase copies; empty to copy every listened table. The
	 * other tables stream only changes made from the start on.
	 */
	private List<String> tablesToCopy = new ArrayList<>();

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

	@Override
	public boolean supports(Class<?> type) {
		return VStreamProperties.class.isAssignableFrom(type);
	}

	/**
	 * Check values that binding alone accepts but the stream cannot use, so that start-up fails
	 * naming the property (Boot reports each rejected field with its full property name).
	 */
	@Override
	public void validate(Object target, Errors errors) {
		VStreamProperties properties = (VStreamProperties) target;
		if (properties.getId() == null || properties.getId().isBlank()) {
			errors.rejectValue("id", "blank", "must not be blank");
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
		notNegative(errors, "heartbeat-interval", properties.getHeartbeatInterval());
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
		if (properties.getRedis().getKeyPrefix() == null) {
			errors.rejectValue("redis.key-prefix", "null", "must not be null");
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

	/**
	 * Where stream positions are saved.
	 */
	public enum OffsetStore {

		/** A table in the application's DataSource, or in an embedded H2 file when it has none. */
		JDBC,

		/** A key per stream in Redis. */
		REDIS,

		/** Memory only: a restart starts over from the start position. */
		MEMORY

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
		 * Address of vtgate's gRPC port, as host:port.
		 */
		private String address = "localhost:15991";

		/**
		 * Largest message accepted from vtgate; a response carries whole transactions, so this must
		 * exceed the largest row batch.
		 */
		private DataSize maxInboundMessageSize = DataSize.ofMegabytes(64);

		/**
		 * How long the connection may be idle before a keep-alive ping is sent.
		 */
		private Duration keepAliveTime = Duration.ofSeconds(30);

		/**
		 * How long to wait for a keep-alive ping's answer before the connection is considered
		 * broken.
		 */
		private Duration keepAliveTimeout = Duration.ofSeconds(10);

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
		 * Random variation added to or removed from each delay, so that many instances do not
		 * reconnect in lock-step.
		 */
		private Duration jitter = Duration.ofMillis(500);

		/**
		 * How long to keep trying before the stream fails; zero for no limit.
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
		 * Whether to create the table when it does not exist.
		 */
		private boolean initializeSchema = true;

		/**
		 * JDBC URL of the embedded H2 database used when the application has no DataSource.
		 */
		private String embeddedUrl = "jdbc:h2:file:./.vstream/offsets";

		public String getTableName() {
			return this.tableName;
		}

		public void setTableName(String tableName) {
			this.tableName = tableName;
		}

		public boolean isInitializeSchema() {
			return this.initializeSchema;
		}

		public void setInitializeSchema(boolean initializeSchema) {
			this.initializeSchema = initializeSchema;
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
		 * How long a stream may be reconnecting before its health is DOWN.
		 */
		private Duration reconnectTimeout = Duration.ofSeconds(60);

		public Duration getReconnectTimeout() {
			return this.reconnectTimeout;
		}

		public void setReconnectTimeout(Duration reconnectTimeout) {
			this.reconnectTimeout = reconnectTimeout;
		}

	}

}
