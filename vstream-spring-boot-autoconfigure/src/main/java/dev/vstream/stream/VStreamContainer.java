package dev.vstream.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * One VStream against vtgate, as the rest of the application sees it: its lifecycle, what
 * it reports (state, position, counters, lag) and how it is steered (pause, resume,
 * reset). The health indicator, the endpoint, metrics and the scale-out coordinators
 * depend on this interface; {@link DefaultVStreamContainer} implements it.
 *
 * <p>
 * Concurrency: the stream runs on its own thread; every method here may be called from
 * any other thread and reads values the stream thread last published.
 */
public interface VStreamContainer extends SmartLifecycle {

	/**
	 * Starts after, and stops before, ordinary beans such as DataSources and Redis
	 * connections.
	 */
	int DEFAULT_PHASE = Integer.MAX_VALUE - 100;

	/**
	 * @return the stream id
	 */
	String getId();

	/**
	 * @return the settings
	 */
	VStreamSettings getSettings();

	/**
	 * @return where this stream saves its position
	 */
	OffsetRepository getOffsetRepository();

	/**
	 * @return the listeners of this stream
	 */
	Collection<VStreamListenerEndpoint> getEndpoints();

	/**
	 * The keyspaces this stream covers: those of its listeners and the extra ones, or the
	 * default keyspace when there are none.
	 * @return the keyspaces, in listener order
	 */
	Set<String> getKeyspaces();

	/**
	 * @return the current state
	 */
	StreamState getState();

	/**
	 * Since when the offset store has not answered: a save (or the transaction around the
	 * listeners' work) failed and has not succeeded since, or has been waiting for a
	 * second or more. The stream takes no further change from vtgate meanwhile.
	 * @return the instant, or {@code null} while the store answers
	 */
	@Nullable Instant getOffsetStoreUnavailableSince();

	/**
	 * Since when the stream has been trying to reach vtgate again: from the failure that
	 * broke a working stream (or the first failed connect) through every back-off wait
	 * and connect attempt until vtgate answers on a new connection; also while standing
	 * by after another instance saved this stream's position first.
	 * @return the instant, or {@code null} while connected, stopped or failed
	 */
	@Nullable Instant getReconnectingSince();

	/**
	 * @return the error that failed the stream or caused the last reconnect, if any
	 */
	@Nullable Throwable getLastError();

	/**
	 * @return the position reached by handled changes, {@code null} before the first
	 */
	@Nullable StreamPosition getPosition();

	/**
	 * @return the last saved position, {@code null} before the first save
	 */
	@Nullable StreamPosition getSavedPosition();

	/**
	 * @return where the last start began, {@code null} before the first start
	 */
	@Nullable StreamStart getStart();

	/**
	 * @return when the last event was received
	 */
	@Nullable Instant getLastEventTime();

	/**
	 * @return the commit time of the last handled change
	 */
	@Nullable Instant getLastCommitTime();

	/**
	 * @return vtgate's time in its last heartbeat: it had sent everything committed until
	 * then
	 */
	@Nullable Instant getLastHeartbeatTime();

	/**
	 * How far behind the database the stream is: now minus the commit time of the last
	 * handled change, or minus vtgate's last heartbeat when that is later (an idle stream
	 * is caught up, not falling behind). Second precision; never negative.
	 * @param now the current time
	 * @return the lag, or {@code null} before the first change or heartbeat
	 */
	default @Nullable Duration getLag(Instant now) {
		Instant commit = getLastCommitTime();
		Instant heartbeat = getLastHeartbeatTime();
		Instant reference = (commit == null) ? heartbeat
				: (heartbeat == null || commit.isAfter(heartbeat)) ? commit : heartbeat;
		if (reference == null) {
			return null;
		}
		Duration lag = Duration.between(reference, now);
		// Clocks of the database and the application differ slightly; a change is never
		// from the future.
		return lag.isNegative() ? Duration.ZERO : lag;
	}

	/**
	 * @return events received from vtgate since start-up
	 */
	long getEventsReceived();

	/**
	 * @return listener calls that completed
	 */
	long getChangesHandled();

	/**
	 * @return changes that failed (mapping or listener)
	 */
	long getChangesFailed();

	/**
	 * @return reconnects since start-up
	 */
	long getReconnects();

	/**
	 * How far the copy phase is, per table whose copy began since the last start: rows
	 * copied, the estimated total, rate and time left; the last values stay after the
	 * copy finished, until the next start.
	 * @return one entry per table, in the order their copy began; empty when this start
	 * copied nothing
	 */
	default List<CopyProgress> getCopyProgress() {
		return List.of();
	}

	/**
	 * @return the callbacks for metrics and tracing, {@link VStreamMonitor#NONE} by
	 * default
	 */
	VStreamMonitor getMonitor();

	/**
	 * @return how the stream runs (checkpoints, transactions, checks, timeouts); set
	 * before the stream starts
	 */
	VStreamContainerOptions getContainerOptions();

	/**
	 * Stop pulling from vtgate without ending the stream. The transaction in hand is
	 * finished and the position reached is saved, then no further response is handled or
	 * requested: vtgate's sends back up against gRPC flow control and nothing is lost or
	 * repeated. The state is {@link StreamState#PAUSED PAUSED} from now on;
	 * {@link #resume()} carries on with the same connection (or reconnects from the
	 * position if the connection broke meanwhile).
	 * @throws IllegalStateException when the stream is not running
	 */
	void pause();

	/**
	 * Carry on after {@link #pause()}; does nothing when the stream is not paused.
	 */
	void resume();

	/**
	 * @return whether the stream was asked to pause and not resumed since
	 */
	boolean isPaused();

	/**
	 * Replace or discard the saved position of a stopped stream, so that its next start
	 * begins there.
	 * @param start the position to start from next time, or {@code null} to delete the
	 * saved position and forget, in the run marker, that the stream ran (the next start
	 * then follows the configured start position, as expected, even with a saved position
	 * required)
	 * @throws IllegalStateException when the stream is running
	 * @throws VStreamException when the position does not cover exactly the listened
	 * keyspaces
	 * @throws IllegalArgumentException when it names a shard that vtgate does not list
	 * for its keyspace, serving or with tablets (not checked when vtgate lists nothing)
	 * @see #positionAt(StartPosition)
	 */
	void resetPosition(@Nullable StreamPosition start);

	/**
	 * The position that starts every listened shard at a start position, as used when
	 * nothing is saved.
	 * @param start copy or current
	 * @return the position
	 */
	StreamPosition positionAt(StartPosition start);

	/**
	 * A stream like this one restricted to one shard: the same channel, error handler,
	 * checkpoint policy, transaction manager, monitor and DDL listeners, the listeners of
	 * that keyspace only, and vtgate asked to stop at a reshard (the new shards may
	 * belong to other instances).
	 * @param id the id of the new stream, also the key of its position
	 * @param keyspace the keyspace
	 * @param shard the shard
	 * @param offsets where the new stream saves its position
	 * @return a new, stopped stream
	 */
	VStreamContainer forShard(String id, String keyspace, String shard, OffsetRepository offsets);

	/**
	 * Hand reshard journals to a handler instead of failing the stream: when vtgate sends
	 * a {@code SHARDS} journal (only with {@link VStreamSettings#stopOnReshard()}), the
	 * position reached before it is saved, the handler is called, and the stream stops
	 * ({@link StreamState#STOPPED STOPPED}, {@link #isResharded()} true). Used by
	 * scale-out modes, where another instance may own the new shards.
	 * @param reshardHandler the handler, {@code null} for the default (fail the stream)
	 */
	void setReshardHandler(@Nullable ReshardHandler reshardHandler);

	/**
	 * @return whether the stream stopped at a reshard journal handed to the reshard
	 * handler
	 */
	boolean isResharded();

}
