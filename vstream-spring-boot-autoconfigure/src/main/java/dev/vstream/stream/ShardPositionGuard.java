package dev.vstream.stream;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import binlogdata.Binlogdata.ShardGtid;
import dev.vstream.position.LogSafeText;
import dev.vstream.position.ShardKey;
import dev.vstream.position.ShardPosition;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Catches a stream that can never deliver anything: resuming from a position its shards
 * do not have (cluster recreated or restored, binary logs purged). vttablet refuses such
 * a start with {@code GTIDSet Mismatch}, but vtgate retries that for ever and keeps the
 * client's stream open with heartbeats only, so the stream would look live and caught up.
 *
 * <p>
 * Two checks, both against each shard's own position read through vtgate
 * ({@code @@global.gtid_binlog_pos} on MariaDB, {@code @@global.gtid_executed} on MySQL,
 * on the shard's primary):
 * <ul>
 * <li>at every (re)connect, each shard's requested GTID set must be contained in the
 * shard's position, as vttablet requires;</li>
 * <li>while streaming, a shard whose GTID set in the VGTIDs received does not change for
 * the progress timeout, although the shard's own position had moved past it at least half
 * that time earlier, fails the stream (other shards may go on meanwhile, and vtgate may
 * send only heartbeats). vtgate sends a VGTID for every transaction of a streamed shard,
 * also those of tables nobody listens to, so a healthy shard keeps up with its own
 * position even when idle.</li>
 * <li>before that, a shard standing still for the stall timeout while its own position
 * moved past it asks for a reconnect ({@link #takeReconnectReason()}): after a reparent
 * or a tablet restart vtgate retries the shard's tablet inside the open call, and when it
 * finds no serving tablet at once its tablet picker waits 30 s (hard-coded in Vitess 24)
 * with the shard silent; a new call picks the new tablet at once. Standing still is
 * counted across such reconnects, so a shard that never comes back still fails at the
 * progress timeout.</li>
 * </ul>
 * When a shard's position cannot be read (vtgate refuses the statement, another flavor),
 * this is logged once and the stream goes on unchecked; until it receives a position, its
 * heartbeats do not count as being caught up.
 *
 * <p>
 * Used by the stream's own thread only, apart from the settings.
 */
final class ShardPositionGuard {

	private static final Log logger = LogFactory.getLog(ShardPositionGuard.class);

	private final Channel channel;

	private final String streamId;

	private final VStreamContainerOptions options;

	/** Why the stream should reconnect at its next transaction boundary, if it should. */
	private @Nullable String reconnectReason;

	/** Whether the next connect follows a reconnect asked for a stall. */
	private boolean stallReconnecting;

	/** When the current connection was opened. */
	private long sessionNanos;

	private boolean warned;

	private long connectedNanos;

	private long lastCheckNanos;

	/**
	 * Whether heartbeats show the stream caught up: its position was verified or it
	 * received one since.
	 */
	private boolean live;

	/** Per shard, the last GTID set received and since when. */
	private final Map<ShardKey, String> shardGtids = new HashMap<>();

	private final Map<ShardKey, Long> shardSince = new HashMap<>();

	/**
	 * Shards that stood still while their own position had moved past: their position
	 * then, and when.
	 */
	private final Map<ShardKey, String> movedPast = new LinkedHashMap<>();

	private final Map<ShardKey, Long> movedPastSince = new HashMap<>();

	ShardPositionGuard(Channel channel, String streamId, VStreamContainerOptions options) {
		this.channel = channel;
		this.streamId = streamId;
		this.options = options;
	}

	/**
	 * Why the stream should reconnect now, once: a shard stalled (see the class
	 * description). Asked between transactions.
	 * @return the reason, {@code null} when the stream should go on
	 */
	@Nullable String takeReconnectReason() {
		String reason = this.reconnectReason;
		this.reconnectReason = null;
		if (reason != null) {
			this.stallReconnecting = true;
		}
		return reason;
	}

	/**
	 * Check a position before a VStream is opened from it.
	 * @param from the position the stream asks vtgate for
	 * @throws VStreamException when a shard does not have the requested position
	 */
	void connecting(StreamPosition from) {
		long now = System.nanoTime();
		this.sessionNanos = now;
		this.lastCheckNanos = now;
		this.reconnectReason = null;
		if (this.stallReconnecting) {
			// Reconnected for a stall: a shard resumed from the position it stood still
			// at keeps standing still, so that the progress timeout still runs out.
			this.stallReconnecting = false;
			Map<ShardKey, String> resumed = new HashMap<>();
			for (ShardPosition shard : from.shards()) {
				resumed.put(ShardKey.of(shard), shard.gtid());
			}
			this.shardGtids.entrySet().removeIf((e) -> !e.getValue().equals(resumed.get(e.getKey())));
			this.shardSince.keySet().retainAll(this.shardGtids.keySet());
		}
		else {
			this.connectedNanos = now;
			this.shardGtids.clear();
			this.shardSince.clear();
			this.movedPast.clear();
			this.movedPastSince.clear();
		}
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

	/**
	 * The stream received a position (a VGTID): it is live, and the shards whose GTID set
	 * changed progressed.
	 * @param reached the position received
	 * @throws VStreamException when a shard made no progress for the progress timeout
	 * although its own position did
	 */
	void progressed(StreamPosition reached) {
		long now = System.nanoTime();
		this.live = true;
		// Once per transaction: read the VGtid as it is, without building ShardPositions.
		for (ShardGtid shard : reached.toVGtid().getShardGtidsList()) {
			ShardKey key = ShardKey.of(shard);
			if (!shard.getGtid().equals(this.shardGtids.put(key, shard.getGtid()))) {
				this.shardSince.put(key, now);
				this.movedPast.remove(key);
			}
		}
		check(reached, now);
	}

	/**
	 * A heartbeat arrived outside a transaction.
	 * @param reached the position the stream reached
	 * @return whether the heartbeat shows the stream caught up (counts for its lag)
	 * @throws VStreamException when a shard made no progress for the progress timeout
	 * although its own position did
	 */
	boolean heartbeat(@Nullable StreamPosition reached) {
		if (reached != null) {
			check(reached, System.nanoTime());
		}
		return this.live && this.movedPast.isEmpty();
	}

	/**
	 * Fail for shards that stood still for the timeout although their own position had
	 * moved past the stream's at least half the timeout earlier; look for such shards at
	 * most every half timeout (one statement per shard that stood still for half the
	 * timeout).
	 */
	private void check(StreamPosition reached, long now) {
		Duration timeout = this.options.getProgressTimeout();
		if (timeout.isZero()) {
			return;
		}
		long half = timeout.toNanos() / 2;
		long stall = this.options.getStallTimeout().toNanos();
		for (Map.Entry<ShardKey, String> moved : this.movedPast.entrySet()) {
			long still = now - this.shardSince.getOrDefault(moved.getKey(), this.connectedNanos);
			if (still >= timeout.toNanos() && now - this.movedPastSince.get(moved.getKey()) >= half) {
				throw noProgress(reached, moved.getKey(), moved.getValue(), Duration.ofNanos(still));
			}
			if (stall > 0 && this.reconnectReason == null && still >= stall && now - this.sessionNanos >= stall) {
				this.reconnectReason = "shard " + moved.getKey() + " sent no new position for "
						+ readable(Duration.ofNanos(still)) + " although it moved on to " + moved.getValue()
						+ " (vstream.stall-timeout " + readable(this.options.getStallTimeout())
						+ "): vtgate is waiting for a serving tablet, a new call picks one at once";
			}
		}
		// Look for shards standing still every half of the shorter timeout.
		long every = (stall > 0) ? Math.min(half, stall / 2) : half;
		if (now - this.lastCheckNanos < every) {
			return;
		}
		this.lastCheckNanos = now;
		for (ShardPosition shard : reached.shards()) {
			ShardKey key = ShardKey.of(shard);
			long still = now - this.shardSince.getOrDefault(key, this.connectedNanos);
			GtidSet streamed = (still >= every && !this.movedPast.containsKey(key)) ? requested(shard) : null;
			GtidSet current = (streamed != null) ? current(shard, streamed.flavor()) : null;
			if (current == null) {
				continue;
			}
			if (!current.contains(streamed)) {
				throw mismatch(shard, current);
			}
			if (!streamed.contains(current)) {
				this.movedPast.put(key, current.toString());
				this.movedPastSince.put(key, now);
				logger.warn("Stream '" + this.streamId + "' received no new position of shard " + key + " for "
						+ readable(Duration.ofNanos(still)) + " although the shard moved on to " + current
						+ "; it reconnects after vstream.stall-timeout and fails after vstream.progress-timeout "
						+ "unless one arrives");
			}
		}
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
		String sql = flavor.equals(GtidSet.MARIADB) ? "select @@global.gtid_binlog_pos"
				: "select @@global.gtid_executed";
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
		String message = "Stream '" + this.streamId + "' cannot check that shard " + ShardKey.of(shard)
				+ " still has its position (" + LogSafeText.of(reason, 2000)
				+ "). A position the cluster no longer has "
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
		return new VStreamException("Stream '" + this.streamId + "' cannot stream shard " + ShardKey.of(shard)
				+ ": its position " + shard.gtid() + " is not in the shard's history, whose primary is at " + current
				+ " (the cluster was recreated or restored, or its binary logs purged). vtgate does not "
				+ "report this to clients (its log says 'GTIDSet Mismatch' and it retries, sending only heartbeats), "
				+ "so nothing would ever arrive. " + whatToDo());
	}

	private VStreamException noProgress(StreamPosition reached, ShardKey shard, String current, Duration still) {
		return new VStreamException("Stream '" + this.streamId + "' received no new position of shard " + shard
				+ " for " + readable(still) + " (vstream.progress-timeout "
				+ readable(this.options.getProgressTimeout()) + ") although the shard had moved on to " + current
				+ "; the stream is at " + reached
				+ ". vtgate is retrying a tablet that cannot stream from it (its log says 'vstream for " + shard
				+ " error, retrying'). If the tablets are only lagging or throttled, restart the stream or raise "
				+ "vstream.progress-timeout. If the cluster no longer has the position, start over: " + whatToDo());
	}

	private static String readable(Duration duration) {
		return (duration.toSeconds() >= 10) ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
	}

	private String whatToDo() {
		return "The saved position is left as it is. To start over, reset the stream's position to 'copy' "
				+ "(existing rows again, then live) or 'current' (from now) with the actuator "
				+ "(POST /actuator/vstream/" + this.streamId
				+ " {\"action\":\"reset\",\"position\":\"copy\"}) and start it, "
				+ "or set vstream.start-position and reset it without a position.";
	}

}
