package dev.vstream.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.vstream.position.ShardPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.stream.StreamStart;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.util.Assert;

/**
 * The health of one stream.
 *
 * <p>
 * The status is {@link Status#DOWN DOWN} only when the stream needs attention:
 * <ul>
 * <li>{@link StreamState#FAILED FAILED}: retrying cannot fix it; the {@code error} detail
 * holds the error message (never a stack trace);</li>
 * <li>reconnecting for at least the
 * {@linkplain #VStreamHealthIndicator(VStreamContainer, Duration) reconnect
 * timeout};</li>
 * <li>its offset store unavailable ({@link StreamState#STORE_UNAVAILABLE
 * STORE_UNAVAILABLE}: saves failing or hanging) for at least the same timeout.</li>
 * </ul>
 * Every other state is {@link Status#UP UP}, with the state in the {@code state} detail:
 * {@code STARTING}, {@code COPYING} and {@code STREAMING}; {@code RECONNECTING} for less
 * than the timeout, because a vtgate restart or a reshard breaks streams briefly and
 * routinely; and {@code STOPPED}, because a stream that was not started
 * ({@code autoStartup=false}) or was stopped on purpose is not a fault, and
 * {@code OUT_OF_SERVICE} would take the whole application out of a load balancer.
 *
 * <p>
 * A reconnecting stream flips between {@code RECONNECTING} (waiting) and
 * {@code STARTING}, {@code COPYING} or {@code STREAMING} (trying; {@code STREAMING} as
 * soon as the call is established on a connection) until vtgate answers. The timeout is
 * measured from the stream's own {@linkplain VStreamContainer#getReconnectingSince()
 * reconnecting since}: the failure that started the series, not the first health check
 * that saw it, until vtgate sent the first response on a new connection (with heartbeats
 * enabled, within one heartbeat interval).
 *
 * <p>
 * Details: {@code state}, {@code error} (message of the last error, if any),
 * {@code reconnectingSince}, {@code offsetStoreUnavailableSince}, {@code position}
 * (keyspace, shard, gtid and tables still being copied, per shard), {@code lastEventTime}
 * and {@code lag} (ISO-8601 duration since the commit of the last handled change, or
 * since vtgate's last idle heartbeat when that is later).
 */
public class VStreamHealthIndicator implements HealthIndicator {

	/** The default time a stream may be reconnecting before it is reported DOWN. */
	public static final Duration DEFAULT_RECONNECT_TIMEOUT = Duration.ofSeconds(60);

	private final VStreamContainer container;

	private final Duration reconnectTimeout;

	private final Clock clock;

	/**
	 * Create an indicator that reports a stream DOWN once it has been reconnecting for
	 * {@linkplain #DEFAULT_RECONNECT_TIMEOUT 60 seconds}.
	 * @param container the stream
	 */
	public VStreamHealthIndicator(VStreamContainer container) {
		this(container, DEFAULT_RECONNECT_TIMEOUT);
	}

	/**
	 * Create an indicator.
	 * @param container the stream
	 * @param reconnectTimeout how long the stream may be reconnecting before it is
	 * reported DOWN
	 */
	public VStreamHealthIndicator(VStreamContainer container, Duration reconnectTimeout) {
		this(container, reconnectTimeout, Clock.systemUTC());
	}

	/**
	 * Create an indicator with its own clock.
	 * @param container the stream
	 * @param reconnectTimeout how long the stream may be reconnecting before it is
	 * reported DOWN
	 * @param clock the clock that times reconnects and lag
	 */
	public VStreamHealthIndicator(VStreamContainer container, Duration reconnectTimeout, Clock clock) {
		Assert.notNull(container, "'container' must not be null");
		Assert.notNull(reconnectTimeout, "'reconnectTimeout' must not be null");
		Assert.isTrue(!reconnectTimeout.isNegative(), "'reconnectTimeout' must not be negative");
		Assert.notNull(clock, "'clock' must not be null");
		this.container = container;
		this.reconnectTimeout = reconnectTimeout;
		this.clock = clock;
	}

	/**
	 * The stream this indicator reports on.
	 * @return the container
	 */
	public VStreamContainer getContainer() {
		return this.container;
	}

	@Override
	public Health health() {
		Instant now = this.clock.instant();
		StreamState state = this.container.getState();
		Throwable error = this.container.getLastError();
		Instant reconnecting = reconnectingSince(state);
		Instant storeUnavailable = this.container.getOffsetStoreUnavailableSince();
		Health.Builder health = new Health.Builder(status(state, reconnecting, storeUnavailable, now));
		health.withDetail("state", state.name());
		String message = StreamReport.message(error);
		if (message != null) {
			health.withDetail("error", message);
		}
		if (reconnecting != null) {
			health.withDetail("reconnectingSince", reconnecting.toString());
		}
		if (storeUnavailable != null) {
			health.withDetail("offsetStoreUnavailableSince", storeUnavailable.toString());
		}
		StreamPosition position = this.container.getPosition();
		if (position != null) {
			health.withDetail("position", shards(position));
		}
		Instant lastEvent = this.container.getLastEventTime();
		if (lastEvent != null) {
			health.withDetail("lastEventTime", lastEvent.toString());
		}
		Duration lag = StreamReport.lag(this.container, now);
		if (lag != null) {
			health.withDetail("lag", lag.toString());
		}
		StreamStart start = this.container.getStart();
		if (start != null) {
			health.withDetail("startedFrom", StreamReport.startedFrom(start));
			health.withDetail("startedWithoutSavedPosition", start.withoutSavedPosition());
			if (start.ranBefore() != null) {
				health.withDetail("ranBefore", start.ranBefore());
			}
		}
		return health.build();
	}

	private @Nullable Instant reconnectingSince(StreamState state) {
		// A failed or stopped stream is not trying to reconnect, whatever it last did.
		if (state == StreamState.FAILED || state == StreamState.STOPPED) {
			return null;
		}
		return this.container.getReconnectingSince();
	}

	private Status status(StreamState state, @Nullable Instant reconnectingSince,
			@Nullable Instant storeUnavailableSince, Instant now) {
		if (state == StreamState.FAILED) {
			return Status.DOWN;
		}
		if (storeUnavailableSince != null
				&& Duration.between(storeUnavailableSince, now).compareTo(this.reconnectTimeout) >= 0) {
			return Status.DOWN;
		}
		if (reconnectingSince != null
				&& Duration.between(reconnectingSince, now).compareTo(this.reconnectTimeout) >= 0) {
			return Status.DOWN;
		}
		return Status.UP;
	}

	private static List<Map<String, Object>> shards(StreamPosition position) {
		List<Map<String, Object>> shards = new ArrayList<>();
		for (ShardPosition shard : position.shards()) {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("keyspace", shard.keyspace());
			details.put("shard", shard.shard());
			details.put("gtid", shard.gtid());
			if (!shard.copyingTables().isEmpty()) {
				details.put("copyingTables", shard.copyingTables());
			}
			shards.add(details);
		}
		return shards;
	}

}
