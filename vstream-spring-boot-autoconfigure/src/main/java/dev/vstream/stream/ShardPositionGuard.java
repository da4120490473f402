package dev.vstream.stream;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Catches a stream that can never deliver anything: resuming from a position its shards do not
 * have (cluster recreated or restored, binary logs purged). vttablet refuses such a start with
 * {@code GTIDSet Mismatch}, but vtgate retries that for ever and keeps the client's stream open
 * with heartbeats only, so the stream would look live and caught up.
 *
 * <p>Two checks, both against each shard's own position read through vtgate
 * ({@code @@global.gtid_binlog_pos} on MariaDB, {@code @@global.gtid_executed} on MySQL, on the
 * shard's primary):
 * <ul>
 * <li>at every (re)connect, each shard's requested GTID set must be contained in the shard's
 * position, as vttablet requires;</li>
 * <li>while streaming, a stream that receives nothing but heartbeats for the progress timeout,
 * although its shard's position had moved past its own at least half that time earlier, fails.
 * vtgate sends a VGTID for every transaction of a streamed shard, also those of tables nobody
 * listens to, so an idle but healthy stream keeps up with its shards' positions.</li>
 * </ul>
 * When a shard's position cannot be read (vtgate refuses the statement, another flavor), this is
 * logged once and the stream goes on unchecked; until it receives a position, its heartbeats do not
 * count as being caught up.
 *
 * <p>Used by the stream's own thread only, apart from the settings.
 */
final class ShardPositionGuard {

	private static final Log logger = LogFactory.getLog(ShardPositionGuard.class);

	private final Channel channel;

	private final String streamId;

	private volatile Duration progressTimeout = Duration.ofMinutes(2);

	private boolean warned;

	private long lastProgressNanos;

	private long lastCheckNanos;

	/** Whether heartbeats show the stream caught up: its position was verified or it received one since. */
	private boolean live;

	/** Shard positions read while the stream received only heartbeats, and which had moved past its own. */
	private @Nullable Map<String, String> movedPast;

	private long movedPastNanos;

	ShardPositionGuard(Channel channel, String streamId) {
		this.channel = channel;
		this.streamId = streamId;
	}

	void setProgressTimeout(Duration progressTimeout) {
		this.progressTimeout = progressTimeout;
	}

	Duration getProgressTimeout() {
		return this.progressTimeout;
	}

	/**
	 * Check a position before a VStream is opened from it.
	 * @param from the position the stream asks vtgate for
	 * @throws VStreamException when a shard does not have the requested position
	 */
	void connecting(StreamPosition from) {
		long now = System.nanoTime();
		this.lastProgressNanos = now;
		this.lastCheckNanos = now;
		this.movedPast = null;
		boolean verified = true;
		for (ShardPosition shard : from.shards()) {
			GtidSet requested = requested(shard);
			if (requested == null) {
				verified &= !hasGtid(shard);
				continue;
			}
			GtidSet current = current(shard, requested.flavor());
			if (current == null) {
				verified = false;
			}
			else if (!current.contains(requested)) {
				throw mismatch(shard, current);
			}
		}
		this.live = verified;
	}

	/** The stream received a position: it is live. */
	void progressed() {
		this.lastProgressNanos = System.nanoTime();
		this.live = true;
		this.movedPast = null;
	}

	/**
	 * A heartbeat arrived outside a transaction.
	 * @param reached the position the stream reached
	 * @return whether the heartbeat shows the stream caught up (counts for its lag)
	 * @throws VStreamException when the stream made no progress for the progress timeout although
	 * its shards did
	 */
	boolean heartbeat(@Nullable StreamPosition reached) {
		Duration timeout = this.progressTimeout;
		long now = System.nanoTime();
		long half = timeout.toNanos() / 2;
		if (timeout.isZero() || reached == null || now - this.lastProgressNanos < half) {
			return this.live;
		}
		Map<String, String> evidence = this.movedPast;
		if (evidence != null) {
			if (now - this.movedPastNanos >= half && now - this.lastProgressNanos >= timeout.toNanos()) {
				throw noProgress(reached, evidence, Duration.ofNanos(now - this.lastProgressNanos));
			}
			return this.live;
		}
		if (now - this.lastCheckNanos < half) {
			return this.live;
		}
		this.lastCheckNanos = now;
		Map<String, String> moved = new LinkedHashMap<>();
		for (ShardPosition shard : reached.shards()) {
			GtidSet streamed = requested(shard);
			GtidSet current = (streamed != null) ? current(shard, streamed.flavor()) : null;
			if (current == null) {
				continue;
			}
			if (!current.contains(streamed)) {
				throw mismatch(shard, current);
			}
			if (!streamed.contains(current)) {
				moved.put(shard.keyspace() + "/" + shard.shard(), current.toString());
			}
		}
		if (!moved.isEmpty()) {
			this.movedPast = moved;
			this.movedPastNanos = now;
			// From now on, heartbeats must not make the lag look healthy.
			this.live = false;
			logger.warn("Stream '" + this.streamId + "' received only heartbeats for "
					+ readable(Duration.ofNanos(now - this.lastProgressNanos)) + " while shards " + moved
					+ " moved past its position " + reached + "; it fails unless a position arrives soon");
		}
		return this.live;
	}

	private static boolean hasGtid(ShardPosition shard) {
		return !shard.gtid().isEmpty() && !shard.gtid().equals(StartPosition.CURRENT.gtid());
	}

	private @Nullable GtidSet requested(ShardPosition shard) {
		if (!hasGtid(shard) || shard.shard().isEmpty()) {
			return null;
		}
		try {
			GtidSet set = GtidSet.parse(shard.gtid());
			if (set == null) {
				cannotCheck(shard, "its position " + shard.gtid() + " is neither a MariaDB nor a MySQL GTID set");
			}
			return set;
		}
		catch (IllegalArgumentException ex) {
			cannotCheck(shard, ex.getMessage());
			return null;
		}
	}

	/** The shard's position on its primary, which has every transaction the shard has. */
	private @Nullable GtidSet current(ShardPosition shard, String flavor) {
		String sql = flavor.equals(GtidSet.MARIADB) ? "select @@global.gtid_binlog_pos" : "select @@global.gtid_executed";
		String target = shard.keyspace() + ":" + shard.shard() + "@primary";
		try {
			String value = VtgateQueries.firstColumn(this.channel, target, sql).stream().findFirst().orElse(null);
			if (value == null) {
				cannotCheck(shard, "'" + sql + "' returned nothing");
				return null;
			}
			return GtidSet.parse(flavor, value);
		}
		catch (StatusRuntimeException | IllegalStateException | IllegalArgumentException ex) {
			cannotCheck(shard, "vtgate did not answer '" + sql + "' for " + target + ": " + ex.getMessage());
			return null;
		}
	}

	private void cannotCheck(ShardPosition shard, String reason) {
		String message = "Stream '" + this.streamId + "' cannot check that shard " + shard.keyspace() + "/"
				+ shard.shard() + " still has its position (" + reason + "). A position the cluster no longer has "
				+ "(cluster recreated, binary logs purged) would then only bring heartbeats: watch the stream's "
				+ "lag and last commit time";
		if (!this.warned) {
			this.warned = true;
			logger.warn(message);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(message);
		}
	}

	private VStreamException mismatch(ShardPosition shard, GtidSet current) {
		return new VStreamException("Stream '" + this.streamId + "' cannot stream shard " + shard.keyspace() + "/"
				+ shard.shard() + ": its position " + shard.gtid() + " is not in the shard's history, whose primary is at "
				+ current + " (the cluster was recreated or restored, or its binary logs purged). vtgate does not "
				+ "report this to clients (its log says 'GTIDSet Mismatch' and it retries, sending only heartbeats), "
				+ "so nothing would ever arrive. " + whatToDo());
	}

	private VStreamException noProgress(StreamPosition reached, Map<String, String> moved, Duration idle) {
		return new VStreamException("Stream '" + this.streamId + "' received only heartbeats for " + readable(idle)
				+ " (vstream.progress-timeout " + readable(this.progressTimeout) + ") while shards " + moved
				+ " moved past its position " + reached + ": vtgate is retrying a tablet that cannot stream from it "
				+ "(its log says 'vstream for <keyspace>/<shard> error, retrying'). If the tablets are only lagging "
				+ "or throttled, restart the stream or raise vstream.progress-timeout. If the cluster no longer has "
				+ "the position, start over: " + whatToDo());
	}

	private static String readable(Duration duration) {
		return (duration.toSeconds() >= 10) ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
	}

	private String whatToDo() {
		return "The saved position is left as it is. To start over, reset the stream's position to 'copy' "
				+ "(existing rows again, then live) or 'current' (from now) with the actuator "
				+ "(POST /actuator/vstream/" + this.streamId + " {\"action\":\"reset\",\"position\":\"copy\"}) and start it, "
				+ "or set vstream.start-position and reset it without a position.";
	}

}
