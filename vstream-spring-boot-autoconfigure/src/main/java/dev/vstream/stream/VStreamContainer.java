package dev.vstream.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import binlogdata.Binlogdata.FieldEvent;
import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VEvent;
import binlogdata.Binlogdata.VGtid;
import dev.vstream.listener.ChangeEvent;
import dev.vstream.listener.DdlEvent;
import dev.vstream.listener.DdlListenerEndpoint;
import dev.vstream.listener.Operation;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.mapping.TableSchema;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.offset.PositionConflictException;
import dev.vstream.offset.SaveRefusedException;
import dev.vstream.offset.StreamRunMarker;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vitess.proto.Vtgate.VStreamRequest;
import io.vitess.proto.Vtgate.VStreamResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.util.backoff.BackOffExecution;

/**
 * Owns one VStream session against vtgate: builds the request from the listeners and the saved
 * position, dispatches each row change in order on its own thread, saves the position after the
 * changes it covers were handled, and reconnects with back-off from the last handled position when
 * the stream breaks.
 *
 * <p>Responses are pulled a few at a time (gRPC flow control, see {@link ResponseStream}), so a
 * slow listener slows the stream down instead of filling the heap.
 */
public class VStreamContainer implements SmartLifecycle {

	/** Starts after, and stops before, ordinary beans such as DataSources and Redis connections. */
	public static final int DEFAULT_PHASE = Integer.MAX_VALUE - 100;

	/**
	 * Responses requested from vtgate ahead of the one in hand: enough to spare the stream a
	 * thread hand-off per response, few enough that a slow listener holds the stream in vtgate.
	 */
	static final int RESPONSES_AHEAD = 16;

	/** How long a connection must stay up for the reconnect back-off to start over after it breaks. */
	static final Duration HEALTHY_CONNECTION = Duration.ofSeconds(30);

	private static final Log logger = LogFactory.getLog(VStreamContainer.class);

	private final VStreamSettings settings;

	private final Channel channel;

	private final OffsetRepository offsets;

	private final Supplier<Collection<VStreamListenerEndpoint>> endpoints;

	private final VStreamErrorHandler errorHandler;

	private final ShardPositionGuard positionGuard;

	private final Object monitor = new Object();

	private volatile VStreamMonitor streamMonitor = VStreamMonitor.NONE;

	private volatile Supplier<Collection<DdlListenerEndpoint>> ddlListeners = List::of;

	private volatile boolean running;

	private volatile boolean paused;

	private volatile boolean waitingPaused;

	private volatile boolean autoStartup = true;

	private volatile StreamState state = StreamState.STOPPED;

	private volatile @Nullable Throwable lastError;

	private volatile @Nullable StreamPosition position;

	private volatile @Nullable StreamPosition savedPosition;

	private volatile CheckpointPolicy checkpointPolicy = CheckpointPolicy.EVERY_TRANSACTION;

	private volatile @Nullable PlatformTransactionManager transactionManager;

	private int unsavedTransactions;

	private long lastSaveNanos;

	private final StartPositionResolver startPositions = new StartPositionResolver(this);

	private volatile @Nullable StreamStart lastStart;

	private volatile boolean verifyTables = true;

	private volatile @Nullable Instant lastEventTime;

	private volatile @Nullable Instant lastCommitTime;

	private volatile @Nullable Instant lastHeartbeatTime;

	private final AtomicLong eventsReceived = new AtomicLong();

	private final AtomicLong changesHandled = new AtomicLong();

	private final AtomicLong changesFailed = new AtomicLong();

	private final AtomicLong reconnects = new AtomicLong();

	private final OffsetStoreWatch storeWatch = new OffsetStoreWatch();

	private @Nullable Thread worker;

	private volatile Context.@Nullable CancellableContext call;

	private volatile @Nullable ReshardHandler reshardHandler;

	private volatile boolean resharded;

	private final ConflictStandby conflictStandby;

	/**
	 * Create a container.
	 * @param settings where and how to stream
	 * @param channel the gRPC channel to vtgate
	 * @param offsets where positions are saved
	 * @param endpoints the listeners of this stream, read when the stream (re)connects
	 * @param errorHandler what to do with a change that cannot be handled
	 */
	public VStreamContainer(VStreamSettings settings, Channel channel, OffsetRepository offsets,
			Supplier<Collection<VStreamListenerEndpoint>> endpoints, VStreamErrorHandler errorHandler) {
		this.settings = settings;
		this.channel = channel;
		this.offsets = offsets;
		this.endpoints = endpoints;
		this.errorHandler = errorHandler;
		this.positionGuard = new ShardPositionGuard(channel, settings.id());
		this.conflictStandby = new ConflictStandby(settings.reconnectBackOff());
	}

	/** @return the stream id */
	public String getId() {
		return this.settings.id();
	}

	/** @return the settings */
	public VStreamSettings getSettings() {
		return this.settings;
	}

	/** @return where this stream saves its position */
	public OffsetRepository getOffsetRepository() {
		return this.offsets;
	}

	/** @return the current state */
	public StreamState getState() {
		StreamState state = this.state;
		if (this.running && state != StreamState.FAILED && state != StreamState.STOPPED
				&& this.storeWatch.unavailableSince(Instant.now()) != null) {
			return StreamState.STORE_UNAVAILABLE;
		}
		if (this.waitingPaused || (this.paused && this.running
				&& (state == StreamState.STARTING || state == StreamState.COPYING || state == StreamState.STREAMING))) {
			// The worker's own state is kept apart, so that a resume shows where it really is.
			return StreamState.PAUSED;
		}
		return state;
	}

	/**
	 * Since when the offset store has not answered: a save (or the transaction around the
	 * listeners' work) failed and has not succeeded since, or has been waiting for a second or
	 * more. The stream takes no further change from vtgate meanwhile.
	 * @return the instant, or {@code null} while the store answers
	 */
	public @Nullable Instant getOffsetStoreUnavailableSince() {
		return this.storeWatch.unavailableSince(Instant.now());
	}

	/** @return the error that failed the stream or caused the last reconnect, if any */
	public @Nullable Throwable getLastError() {
		return this.lastError;
	}

	/** @return the position reached by handled changes, {@code null} before the first */
	public @Nullable StreamPosition getPosition() {
		return this.position;
	}

	/** @return when the last event was received */
	public @Nullable Instant getLastEventTime() {
		return this.lastEventTime;
	}

	/** @return the commit time of the last handled change */
	public @Nullable Instant getLastCommitTime() {
		return this.lastCommitTime;
	}

	/** @return vtgate's time in its last heartbeat: it had sent everything committed until then */
	public @Nullable Instant getLastHeartbeatTime() {
		return this.lastHeartbeatTime;
	}

	/**
	 * How far behind the database the stream is: now minus the commit time of the last handled
	 * change, or minus vtgate's last heartbeat when that is later (an idle stream is caught up, not
	 * falling behind). Second precision; never negative.
	 * @param now the current time
	 * @return the lag, or {@code null} before the first change or heartbeat
	 */
	public @Nullable Duration getLag(Instant now) {
		Instant commit = getLastCommitTime();
		Instant heartbeat = getLastHeartbeatTime();
		Instant reference = (commit == null) ? heartbeat
				: (heartbeat == null || commit.isAfter(heartbeat)) ? commit : heartbeat;
		if (reference == null) {
			return null;
		}
		Duration lag = Duration.between(reference, now);
		// Clocks of the database and the application differ slightly; a change is never from the future.
		return lag.isNegative() ? Duration.ZERO : lag;
	}

	/** @return events received from vtgate since start-up */
	public long getEventsReceived() {
		return this.eventsReceived.get();
	}

	/** @return listener calls that completed */
	public long getChangesHandled() {
		return this.changesHandled.get();
	}

	/** @return changes that failed (mapping or listener) */
	public long getChangesFailed() {
		return this.changesFailed.get();
	}

	/** @return reconnects since start-up */
	public long getReconnects() {
		return this.reconnects.get();
	}

	/** @return the listeners of this stream */
	public Collection<VStreamListenerEndpoint> getEndpoints() {
		return this.endpoints.get();
	}

	/** @return the last saved position, {@code null} before the first save */
	public @Nullable StreamPosition getSavedPosition() {
		return this.savedPosition;
	}

	/**
	 * Set when positions are saved.
	 * @param checkpointPolicy the policy
	 */
	public void setCheckpointPolicy(CheckpointPolicy checkpointPolicy) {
		this.checkpointPolicy = checkpointPolicy;
	}

	/**
	 * Run the listeners' work and the position save in one transaction of this manager, committed
	 * when the position is saved: with the offset store in the same database as the listeners'
	 * writes, a crash at any point neither loses nor repeats an effect.
	 * @param transactionManager the transaction manager, {@code null} for none
	 */
	public void setTransactionManager(@Nullable PlatformTransactionManager transactionManager) {
		this.transactionManager = transactionManager;
	}

	/**
	 * Set whether {@link #start()} asks vtgate for each listened keyspace's tables and refuses
	 * listeners of tables that do not exist. The check is skipped when vtgate cannot answer.
	 * @param verifyTables whether to check
	 */
	public void setVerifyTables(boolean verifyTables) {
		this.verifyTables = verifyTables;
	}

	/**
	 * Set where the stream records that it has run, so that a start without a saved position can
	 * tell a first start from an offset store that lost the position.
	 * @param runMarker the marker, {@code null} for none (such a start cannot tell)
	 */
	public void setRunMarker(@Nullable StreamRunMarker runMarker) {
		this.startPositions.setRunMarker(runMarker);
	}

	/** @return where the stream records that it has run, if anywhere */
	public @Nullable StreamRunMarker getRunMarker() {
		return this.startPositions.getRunMarker();
	}

	/**
	 * Set whether {@link #start()} refuses to start without a saved position when the stream ran
	 * before (or the run marker cannot tell), instead of starting at the configured start again.
	 * @param requireSavedPosition whether to refuse
	 */
	public void setRequireSavedPosition(boolean requireSavedPosition) {
		this.startPositions.setRequireSavedPosition(requireSavedPosition);
	}

	/** @return whether a start without a saved position is refused once the stream ran before */
	public boolean isRequireSavedPosition() {
		return this.startPositions.isRequireSavedPosition();
	}

	/** @return where the last start began, {@code null} before the first start */
	public @Nullable StreamStart getStart() {
		return this.lastStart;
	}

	/**
	 * Set how long a shard's position in the stream may stand still while the shard's own
	 * position has moved past it before the stream fails: vtgate keeps a stream open, without news
	 * of that shard, when its tablets cannot stream from the requested position. Every (re)connect also checks that each shard
	 * still has the position, whatever this is set to.
	 * @param progressTimeout the timeout, zero to never fail for this
	 */
	public void setProgressTimeout(Duration progressTimeout) {
		this.positionGuard.setProgressTimeout(progressTimeout);
	}

	/** @return how long a shard's position may stand still while the shard moves on */
	public Duration getProgressTimeout() {
		return this.positionGuard.getProgressTimeout();
	}

	/** @return the transaction manager listeners' work and position saves share, if any */
	public @Nullable PlatformTransactionManager getTransactionManager() {
		return this.transactionManager;
	}

	/** @return when positions are saved */
	public CheckpointPolicy getCheckpointPolicy() {
		return this.checkpointPolicy;
	}

	/**
	 * Set the callbacks for metrics and tracing.
	 * @param streamMonitor the monitor
	 */
	public void setMonitor(VStreamMonitor streamMonitor) {
		this.streamMonitor = streamMonitor;
	}

	/** @return the callbacks for metrics and tracing, {@link VStreamMonitor#NONE} by default */
	public VStreamMonitor getMonitor() {
		return this.streamMonitor;
	}

	/**
	 * Set the receivers of the schema changes (DDL) of the streamed keyspaces.
	 * @param ddlListeners the DDL listeners, read at each DDL
	 */
	public void setDdlListeners(Supplier<Collection<DdlListenerEndpoint>> ddlListeners) {
		this.ddlListeners = ddlListeners;
	}

	/**
	 * Hand reshard journals to a handler instead of failing the stream: when vtgate sends a
	 * {@code SHARDS} journal (only with {@link VStreamSettings#stopOnReshard()}), the position
	 * reached before it is saved, the handler is called, and the stream stops
	 * ({@link StreamState#STOPPED STOPPED}, {@link #isResharded()} true). Used by scale-out modes,
	 * where another instance may own the new shards.
	 * @param reshardHandler the handler, {@code null} for the default (fail the stream)
	 */
	public void setReshardHandler(@Nullable ReshardHandler reshardHandler) {
		this.reshardHandler = reshardHandler;
	}

	/** @return whether the stream stopped at a reshard journal handed to the reshard handler */
	public boolean isResharded() {
		return this.resharded;
	}

	/**
	 * The keyspaces this stream covers: those of its listeners and the extra ones, or the default
	 * keyspace when there are none.
	 * @return the keyspaces, in listener order
	 */
	public Set<String> getKeyspaces() {
		return keyspaces();
	}

	/**
	 * A stream like this one restricted to one shard: the same channel, error handler, checkpoint
	 * policy, transaction manager, monitor and DDL listeners, the listeners of that keyspace only,
	 * and vtgate asked to stop at a reshard (the new shards may belong to other instances).
	 * @param id the id of the new stream, also the key of its position
	 * @param keyspace the keyspace
	 * @param shard the shard
	 * @param offsets where the new stream saves its position
	 * @return a new, stopped stream
	 */
	public VStreamContainer forShard(String id, String keyspace, String shard, OffsetRepository offsets) {
		VStreamSettings s = this.settings;
		StreamPosition explicitStart = null;
		if (s.explicitStart() != null) {
			VGtid.Builder only = VGtid.newBuilder();
			for (ShardGtid sg : s.explicitStart().toVGtid().getShardGtidsList()) {
				if (sg.getKeyspace().equals(keyspace) && (sg.getShard().equals(shard) || sg.getShard().isEmpty())) {
					only.addShardGtids(sg.toBuilder().setShard(shard));
				}
			}
			explicitStart = (only.getShardGtidsCount() > 0) ? StreamPosition.of(only.build()) : null;
		}
		VStreamSettings shardSettings = new VStreamSettings(id, keyspace, s.startPosition(), s.tabletType(),
				s.heartbeatInterval(), true, s.reconnectBackOff(), List.of(), s.tablesToCopy(),
				Map.of(keyspace, List.of(shard)), explicitStart, false);
		VStreamContainer shardContainer = new VStreamContainer(shardSettings, this.channel, offsets,
				() -> this.endpoints.get().stream().filter((e) -> keyspaceOf(e).equals(keyspace)).toList(),
				this.errorHandler);
		shardContainer.setCheckpointPolicy(this.checkpointPolicy);
		shardContainer.setTransactionManager(this.transactionManager);
		shardContainer.setMonitor(this.streamMonitor);
		shardContainer.setDdlListeners(this.ddlListeners);
		shardContainer.setVerifyTables(this.verifyTables);
		shardContainer.setRunMarker(getRunMarker());
		shardContainer.setRequireSavedPosition(isRequireSavedPosition());
		shardContainer.setProgressTimeout(getProgressTimeout());
		shardContainer.setAutoStartup(false);
		return shardContainer;
	}

	/**
	 * Set whether the stream starts with the application context.
	 * @param autoStartup whether to start automatically
	 */
	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	@Override
	public int getPhase() {
		return DEFAULT_PHASE;
	}

	@Override
	public void start() {
		synchronized (this.monitor) {
			if (this.running) {
				return;
			}
			Collection<VStreamListenerEndpoint> listeners = this.endpoints.get();
			if (listeners.isEmpty()) {
				logger.info("Stream '" + getId() + "' has no listeners; not connecting to vtgate");
				return;
			}
			for (VStreamListenerEndpoint listener : listeners) {
				if (!listener.isRunning()) {
					logger.info("Listener '" + listener.getId() + "' is not started: stream '" + getId()
							+ "' goes on without it until it is started");
				}
				if (keyspaceOf(listener).isEmpty()) {
					throw new IllegalStateException("Listener '" + listener.getId() + "' names no keyspace and stream '"
							+ getId() + "' has no default keyspace; set vstream.keyspace or @VStreamListener(keyspace)");
				}
			}
			StreamStart start;
			try {
				new StartupChecks(getId(), this.channel).check(listeners, this::keyspaceOf, this.verifyTables);
				start = this.startPositions.resolve();
			}
			catch (RuntimeException ex) {
				this.lastError = ex;
				this.state = StreamState.FAILED;
				throw ex;
			}
			this.lastStart = start;
			this.position = start.position();
			this.savedPosition = start.withoutSavedPosition() ? null : start.position();
			this.resharded = false;
			this.unsavedTransactions = 0;
			this.lastSaveNanos = System.nanoTime();
			this.running = true;
			this.paused = false;
			this.lastError = null;
			this.storeWatch.reset();
			this.state = StreamState.STARTING;
			Thread thread = new Thread(this::run, "vstream-" + getId());
			thread.setDaemon(false);
			this.worker = thread;
			thread.start();
		}
	}

	@Override
	public void stop() {
		Thread thread;
		synchronized (this.monitor) {
			this.running = false;
			this.monitor.notifyAll();
			thread = this.worker;
		}
		Context.CancellableContext current = this.call;
		if (current != null) {
			// Unblocks a thread waiting for the next response; one busy with a change finishes it first.
			current.cancel(null);
		}
		if (thread != null && thread != Thread.currentThread()) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Stop pulling from vtgate without ending the stream. The transaction in hand is finished and
	 * the position reached is saved, then no further response is handled or requested: vtgate's
	 * sends back up against gRPC flow control and nothing is lost or repeated. The state is
	 * {@link StreamState#PAUSED PAUSED} from now on; {@link #resume()} carries on with the same
	 * connection (or reconnects from the position if the connection broke meanwhile).
	 * @throws IllegalStateException when the stream is not running
	 */
	public void pause() {
		synchronized (this.monitor) {
			if (!this.running) {
				throw new IllegalStateException("Stream '" + getId() + "' is not running (" + this.state + ")");
			}
			this.paused = true;
		}
	}

	/**
	 * Carry on after {@link #pause()}; does nothing when the stream is not paused.
	 */
	public void resume() {
		synchronized (this.monitor) {
			this.paused = false;
			this.monitor.notifyAll();
		}
	}

	/** @return whether the stream was asked to pause and not resumed since */
	public boolean isPaused() {
		return this.paused;
	}

	/**
	 * Replace or discard the saved position of a stopped stream, so that its next start begins
	 * there.
	 * @param start the position to start from next time, or {@code null} to delete the saved
	 * position and forget, in the run marker, that the stream ran (the next start then follows
	 * the configured start position, as expected, even with a saved position required)
	 * @throws IllegalStateException when the stream is running
	 * @throws VStreamException when the position does not cover exactly the listened keyspaces
	 * @see #positionAt(StartPosition)
	 */
	public void resetPosition(@Nullable StreamPosition start) {
		synchronized (this.monitor) {
			if (this.running) {
				// The worker would overwrite the new position with the next one it reaches.
				throw new IllegalStateException("Stream '" + getId() + "' is running (" + this.state
						+ "); stop it before resetting its position");
			}
			if (start == null) {
				this.offsets.delete(getId());
				this.startPositions.positionDeleted();
			}
			else {
				checkKeyspaces(start, "new position");
				this.offsets.save(getId(), start);
			}
			this.savedPosition = start;
			this.position = start;
			logger.warn("Stream '" + getId() + "' position reset to "
					+ ((start != null) ? start : "its configured start (saved position deleted)"));
		}
	}

	/**
	 * The position that starts every listened shard at a start position, as used when nothing is
	 * saved.
	 * @param start copy or current
	 * @return the position
	 */
	public StreamPosition positionAt(StartPosition start) {
		VGtid.Builder vgtid = VGtid.newBuilder();
		for (String keyspace : keyspaces()) {
			List<String> shards = this.settings.shards().getOrDefault(keyspace, List.of());
			if (shards.isEmpty()) {
				vgtid.addShardGtids(ShardGtid.newBuilder().setKeyspace(keyspace).setGtid(start.gtid()));
			}
			for (String shard : shards) {
				vgtid.addShardGtids(ShardGtid.newBuilder().setKeyspace(keyspace).setShard(shard).setGtid(start.gtid()));
			}
		}
		return StreamPosition.of(vgtid.build());
	}

	/**
	 * Wait while paused, between transactions only, so that no listener transaction stays open.
	 * @param session the current connection, whose handled position is saved before waiting
	 */
	private void awaitResume(@Nullable Session session) {
		if (!this.paused) {
			return;
		}
		if (session != null) {
			session.saveIfDue(true);
		}
		synchronized (this.monitor) {
			if (!this.running || !this.paused) {
				return;
			}
			logger.info("Stream '" + getId() + "' paused at " + this.position);
			this.waitingPaused = true;
			try {
				while (this.running && this.paused) {
					this.monitor.wait();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				this.waitingPaused = false;
			}
			logger.info("Stream '" + getId() + "' resumed");
		}
	}

	private void run() {
		BackOffExecution backOff = null;
		Session session = null;
		while (this.running) {
			awaitResume(null);
			if (!this.running) {
				break;
			}
			session = new Session();
			try {
				// What was handled before the offset store failed is saved before anything new is taken.
				session.saveIfDue(true);
				session.stream();
				if (!this.running) {
					break;
				}
				throw Status.UNAVAILABLE.withDescription("vtgate ended the stream").asRuntimeException();
			}
			catch (OffsetStoreUnavailableException ex) {
				if (!this.running) {
					break;
				}
				session.abandon();
				if (backOff == null) {
					backOff = this.settings.reconnectBackOff().start();
				}
				long delay = backOff.nextBackOff();
				if (delay == BackOffExecution.STOP) {
					fail(new VStreamException("Stream '" + getId() + "' gave up waiting for its offset store ("
							+ "vstream.reconnect.max-elapsed-time): " + ex.getMessage(), ex));
					return;
				}
				this.lastError = ex;
				this.state = StreamState.RECONNECTING;
				logger.warn(ex.getMessage() + ". Nothing further is taken from vtgate until a save succeeds; retrying in "
						+ delay + " ms from " + this.position + ". Check that the offset store is up and reachable.");
				sleep(delay);
			}
			catch (StatusRuntimeException ex) {
				if (!this.running) {
					break;
				}
				session.abandon();
				VStreamException permanent = StreamFailureClassifier.permanentFailure(getId(), ex);
				if (permanent != null) {
					finish(session);
					fail(permanent);
					return;
				}
				if (session.wasHealthy()) {
					backOff = null;
				}
				if (backOff == null) {
					backOff = this.settings.reconnectBackOff().start();
				}
				long delay = backOff.nextBackOff();
				if (delay == BackOffExecution.STOP) {
					finish(session);
					fail(new VStreamException("Stream '" + getId() + "' gave up reconnecting: " + ex.getStatus(), ex));
					return;
				}
				this.lastError = ex;
				this.state = StreamState.RECONNECTING;
				this.reconnects.incrementAndGet();
				this.streamMonitor.reconnecting(this, ex.getStatus());
				logger.warn("Stream '" + getId() + "' broke (" + ex.getStatus().getCode() + ": "
						+ ex.getStatus().getDescription() + ") on vtgate " + this.channel.authority() + "; reconnecting in "
						+ delay + " ms from " + this.position);
				sleep(delay);
			}
			catch (ReshardSignal signal) {
				finish(session);
				try {
					signal.handler.resharded(this, signal.journal);
				}
				catch (RuntimeException ex) {
					fail(ex);
					return;
				}
				synchronized (this.monitor) {
					this.running = false;
				}
				this.resharded = true;
				this.state = StreamState.STOPPED;
				logger.info("Stream '" + getId() + "' stopped at the reshard journal; position " + this.position);
				return;
			}
			catch (PositionConflictException ex) {
				session.abandon();
				if (!standBy(ex)) {
					return;
				}
			}
			catch (RuntimeException ex) {
				session.abandon();
				finish(session);
				fail(ex);
				return;
			}
		}
		if (session != null) {
			if (session.inTransaction) {
				// Stopped while waiting for the rest of a transaction: it comes again on the next start.
				session.abandon();
			}
			finish(session);
		}
		this.state = StreamState.STOPPED;
		logger.info("Stream '" + getId() + "' stopped at " + this.position);
	}

	/**
	 * Another instance saved this stream's position first: the session's work was rolled back
	 * with the refused save. Stand by, then carry on from the stored position, so that the
	 * position never moves backwards and whichever instance keeps running ends up streaming.
	 * @return whether the stream carries on (false: it failed)
	 */
	private boolean standBy(PositionConflictException conflict) {
		this.position = this.savedPosition;
		this.unsavedTransactions = 0;
		this.lastError = conflict;
		this.state = StreamState.RECONNECTING;
		sleep(this.conflictStandby.standBy(conflict, this.savedPosition, this.transactionManager != null));
		if (this.running) {
			try {
				StreamStart start = this.startPositions.resolve();
				this.position = start.position();
				this.savedPosition = start.withoutSavedPosition() ? null : start.position();
			}
			catch (RuntimeException ex) {
				fail(ex);
				return false;
			}
			this.conflictStandby.resumed(this.savedPosition);
		}
		return true;
	}

	/** Save the last handled position, so that a restart repeats as little as possible. */
	private void finish(Session session) {
		try {
			session.saveIfDue(true);
		}
		catch (RuntimeException ex) {
			logger.error("Stream '" + getId() + "' could not save its position " + this.position
					+ " on the way out; it resumes from " + this.savedPosition, ex);
			// The save did not commit: neither may the work it was to cover.
			session.abandon();
		}
	}

	private void sleep(long millis) {
		synchronized (this.monitor) {
			long deadline = System.currentTimeMillis() + millis;
			long remaining = millis;
			while (this.running && remaining > 0) {
				try {
					this.monitor.wait(remaining);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				remaining = deadline - System.currentTimeMillis();
			}
		}
	}

	private void fail(Throwable ex) {
		this.lastError = ex;
		this.state = StreamState.FAILED;
		synchronized (this.monitor) {
			this.running = false;
		}
		logger.error("Stream '" + getId() + "' stopped with an error; its position stays at " + this.position
				+ " so nothing is lost once it is restarted", ex);
	}

	/**
	 * A position that does not cover exactly the listened keyspaces belongs to another
	 * configuration (or stream): streaming from it would miss or invent changes.
	 */
	void checkKeyspaces(StreamPosition position, String what) {
		Set<String> covered = new TreeSet<>();
		position.shards().forEach((shard) -> covered.add(shard.keyspace()));
		Set<String> wanted = new TreeSet<>(keyspaces());
		if (!covered.equals(wanted)) {
			throw new VStreamException("Stream '" + getId() + "' cannot start: its " + what + " covers keyspaces "
					+ covered + " but its listeners stream " + wanted + ". The stored value is left as it is; "
					+ "reset the stream's position to start over, or use another stream id.");
		}
	}

	private Set<String> keyspaces() {
		Set<String> keyspaces = new LinkedHashSet<>();
		for (VStreamListenerEndpoint endpoint : this.endpoints.get()) {
			keyspaces.add(keyspaceOf(endpoint));
		}
		keyspaces.addAll(this.settings.extraKeyspaces());
		if (keyspaces.isEmpty()) {
			keyspaces.add(this.settings.defaultKeyspace());
		}
		return keyspaces;
	}

	private String keyspaceOf(VStreamListenerEndpoint endpoint) {
		return endpoint.getKeyspace().isEmpty() ? this.settings.defaultKeyspace() : endpoint.getKeyspace();
	}

	/** One connection: the state that is rebuilt when the stream reconnects. */
	private final class Session {

		private final Map<String, TableSchema> schemas = new HashMap<>();

		private final Map<String, List<VStreamListenerEndpoint>> routes = new HashMap<>();

		/** The keyspaces this session streams, which every VGTID must cover. */
		private final Set<String> keyspaces = new HashSet<>(keyspaces());

		/** Changes held for transaction listeners until the transaction's commit. */
		private final Map<VStreamListenerEndpoint, List<ChangeEvent>> batches = new LinkedHashMap<>();

		private @Nullable StreamPosition pending;

		private boolean inTransaction;

		private boolean receivedAny;

		/** Whether a transaction was handled on this connection. */
		private boolean progressed;

		private final long startedNanos = System.nanoTime();

		private @Nullable TransactionStatus transaction;

		Session() {
			for (VStreamListenerEndpoint endpoint : VStreamContainer.this.endpoints.get()) {
				this.routes.computeIfAbsent(keyspaceOf(endpoint) + "/" + endpoint.getTable(), (k) -> new ArrayList<>())
					.add(endpoint);
			}
		}

		void stream() {
			StreamPosition from = VStreamContainer.this.position;
			VStreamContainer.this.positionGuard.connecting(from);
			VStreamRequest request = VStreamRequestFactory.request(VStreamContainer.this.settings,
					VStreamContainer.this.endpoints.get(), from);
			Context.CancellableContext context = Context.current().withCancellation();
			VStreamContainer.this.call = context;
			try {
				context.run(() -> {
					VStreamContainer.this.state = from.isCopying() ? StreamState.COPYING : StreamState.STARTING;
					Iterator<VStreamResponse> responses = new ResponseStream(VStreamContainer.this.channel, request,
							RESPONSES_AHEAD, this::connected);
					// Paused after hasNext: the response already requested waits, unhandled, for the resume.
					while (VStreamContainer.this.running && responses.hasNext() && resumed()) {
						VStreamResponse response = responses.next();
						VStreamContainer.this.streamMonitor.responseReceived(VStreamContainer.this,
								response.getEventsCount());
						if (!this.receivedAny) {
							this.receivedAny = true;
							if (!VStreamContainer.this.storeWatch.isFailing()) {
								VStreamContainer.this.lastError = null;
							}
							if (VStreamContainer.this.state == StreamState.STARTING) {
								VStreamContainer.this.state = StreamState.STREAMING;
							}
						}
						handle(response);
					}
				});
			}
			finally {
				VStreamContainer.this.call = null;
				context.cancel(null);
			}
		}

		/**
		 * Whether the reconnect back-off may start over after this connection: it delivered a
		 * transaction, or stayed up for a while. A connection that vtgate breaks before either (a
		 * response it cannot send, a shard that keeps failing) must not reset the back-off, or the
		 * stream would reconnect at the initial interval for ever.
		 */
		boolean wasHealthy() {
			return this.progressed || System.nanoTime() - this.startedNanos >= HEALTHY_CONNECTION.toNanos();
		}

		/**
		 * The call is established on a connection to vtgate. A stream resumed on an idle keyspace
		 * would otherwise show STARTING until vtgate's first heartbeat. The last error stays until
		 * vtgate's first response confirms the reconnect.
		 */
		private void connected() {
			synchronized (VStreamContainer.this.monitor) {
				if (VStreamContainer.this.running && VStreamContainer.this.state == StreamState.STARTING) {
					VStreamContainer.this.state = StreamState.STREAMING;
				}
			}
		}

		private boolean resumed() {
			if (!this.inTransaction) {
				awaitResume(this);
			}
			return VStreamContainer.this.running;
		}

		private void handle(VStreamResponse response) {
			List<VEvent> events = response.getEventsList();
			if (logger.isTraceEnabled()) {
				logger.trace("Stream '" + getId() + "' received " + events.stream()
					.map((e) -> e.getType() + (e.getKeyspace().isEmpty() ? "" : "(" + e.getKeyspace() + "/" + e.getShard() + ")"))
					.toList());
			}
			StreamPosition[] transactionPositions = null;
			// The events of a response arrive together: count and time them once per response.
			VStreamContainer.this.eventsReceived.addAndGet(events.size());
			VStreamContainer.this.lastEventTime = Instant.now();
			for (int i = 0; i < events.size(); i++) {
				VEvent event = events.get(i);
				switch (event.getType()) {
					case BEGIN -> this.inTransaction = true;
					case FIELD -> onField(event);
					case ROW -> {
						if (transactionPositions == null) {
							transactionPositions = positionsAhead(events);
						}
						onRow(event, transactionPositions[i]);
					}
					case VGTID -> {
						this.pending = checkedPosition(event.getVgtid());
						VStreamContainer.this.positionGuard.progressed(this.pending);
					}
					case COMMIT -> {
						this.inTransaction = false;
						transactionHandled(false);
					}
					case COPY_COMPLETED -> onCopyCompleted(event);
					case DDL -> {
						dispatchDdl(event);
						if (!this.inTransaction) {
							transactionHandled(false);
						}
					}
					case OTHER -> {
						// Inside an open transaction the last VGTID may precede rows not seen yet: wait for COMMIT.
						if (!this.inTransaction) {
							transactionHandled(false);
						}
					}
					case JOURNAL -> onJournal(event);
					case HEARTBEAT -> {
						// Only vtgate's own heartbeats reach clients, sent when it had nothing else to send.
						if (!this.inTransaction && event.getTimestamp() > 0
								&& VStreamContainer.this.positionGuard.heartbeat(VStreamContainer.this.position)) {
							VStreamContainer.this.lastHeartbeatTime = Instant.ofEpochSecond(event.getTimestamp());
						}
					}
					default -> {
						// HEARTBEAT, LASTPK (vtgate folds it into the next VGTID), SAVEPOINT, VERSION...
					}
				}
				if (!VStreamContainer.this.running && !this.inTransaction) {
					break;
				}
			}
			if (!this.inTransaction) {
				transactionHandled(false);
			}
		}

		/**
		 * vtgate sends a SHARDS journal only when the stream asked to stop on a reshard (it follows
		 * the new shards by itself otherwise), then ends the stream. Stop here, before the
		 * journal's VGTID: a position past the journal points into the retired shards, from which
		 * a later stream would never learn about the new ones.
		 */
		private void onJournal(VEvent event) {
			binlogdata.Binlogdata.Journal journal = event.getJournal();
			List<String> from = journal.getParticipantsList()
				.stream()
				.map((ks) -> ks.getKeyspace() + "/" + ks.getShard())
				.toList();
			List<String> to = journal.getShardGtidsList()
				.stream()
				.map((sg) -> sg.getKeyspace() + "/" + sg.getShard())
				.toList();
			logger.info("Stream '" + getId() + "' received a reshard journal: " + journal.getMigrationType() + " from "
					+ from + " to " + to);
			ReshardHandler handler = VStreamContainer.this.reshardHandler;
			if (handler != null && VStreamContainer.this.settings.stopOnReshard()
					&& journal.getMigrationType() == binlogdata.Binlogdata.MigrationType.SHARDS) {
				throw new ReshardSignal(handler, journal);
			}
			if (VStreamContainer.this.settings.stopOnReshard()
					&& journal.getMigrationType() == binlogdata.Binlogdata.MigrationType.SHARDS) {
				throw new VStreamException("Stream '" + getId() + "' stopped: the keyspace was resharded from " + from
						+ " to " + to + " and vstream.stop-on-reshard is set. Its position stays before the reshard "
						+ "journal; restart with vstream.stop-on-reshard=false to follow the new shards from there.");
			}
		}

		/**
		 * A VGTID naming other keyspaces than the stream listens to cannot be resumed from (start()
		 * would refuse it), and one missing a listened keyspace would lose that keyspace's place:
		 * stop before it can be saved. Other shards of a listened keyspace are fine, a reshard
		 * brings them.
		 */
		private StreamPosition checkedPosition(VGtid vgtid) {
			StreamPosition position = StreamPosition.of(vgtid);
			// Checked for every transaction: compare against the session's keyspaces without copying.
			Set<String> covered = new HashSet<>();
			for (ShardGtid shard : vgtid.getShardGtidsList()) {
				covered.add(shard.getKeyspace());
			}
			if (!covered.equals(this.keyspaces)) {
				covered = new TreeSet<>(covered);
				Set<String> wanted = new TreeSet<>(this.keyspaces);
				throw new VStreamException("Stream '" + getId() + "' received a VGTID covering keyspaces " + covered
						+ " but it streams " + wanted + "; stopped before it, at " + VStreamContainer.this.position);
			}
			return position;
		}

		private StreamPosition[] positionsAhead(List<VEvent> events) {
			StreamPosition[] positions = new StreamPosition[events.size()];
			StreamPosition next = null;
			for (int i = events.size() - 1; i >= 0; i--) {
				VEvent event = events.get(i);
				if (event.getType() == binlogdata.Binlogdata.VEventType.VGTID) {
					next = StreamPosition.of(event.getVgtid());
				}
				positions[i] = next;
			}
			return positions;
		}

		/**
		 * Hand a DDL to its listeners. The FIELD event that follows it re-maps later rows; a
		 * failing listener goes to the error handler (by default: the stream stops before the DDL).
		 */
		private void dispatchDdl(VEvent event) {
			DdlEvent ddl = new DdlEvent(event.getStatement(), event.getKeyspace(), event.getShard(), this.pending,
					(event.getTimestamp() > 0) ? Instant.ofEpochSecond(event.getTimestamp()) : null);
			logger.info("Stream '" + getId() + "' received DDL on " + ddl.keyspace() + "/" + ddl.shard() + ": "
					+ ddl.statement());
			for (DdlListenerEndpoint listener : VStreamContainer.this.ddlListeners.get()) {
				if (listener.accepts(ddl.keyspace())) {
					try {
						listener.listener().accept(ddl);
					}
					catch (RuntimeException ex) {
						VStreamContainer.this.errorHandler.handle(ex, null, null, null);
					}
				}
			}
		}

		private void onField(VEvent event) {
			FieldEvent field = event.getFieldEvent();
			String keyspace = field.getKeyspace().isEmpty() ? event.getKeyspace() : field.getKeyspace();
			String shard = field.getShard().isEmpty() ? event.getShard() : field.getShard();
			TableSchema schema = TableSchema.of(field);
			this.schemas.put(keyspace + "/" + shard + "/" + schema.table(), schema);
		}

		private void onRow(VEvent event, @Nullable StreamPosition transactionPosition) {
			binlogdata.Binlogdata.RowEvent rows = event.getRowEvent();
			String keyspace = rows.getKeyspace().isEmpty() ? event.getKeyspace() : rows.getKeyspace();
			String shard = rows.getShard().isEmpty() ? event.getShard() : rows.getShard();
			String table = unqualified(rows.getTableName());
			List<VStreamListenerEndpoint> listeners = this.routes.get(keyspace + "/" + table);
			if (listeners == null) {
				return;
			}
			TableSchema schema = this.schemas.get(keyspace + "/" + shard + "/" + table);
			if (schema == null) {
				throw new VStreamException("Stream '" + getId() + "' received rows of " + keyspace + "/" + shard + " "
						+ table + " before its FIELD event");
			}
			// Rows of the copy phase were not read from the binlog: they carry no commit time.
			Instant commitTime = (event.getTimestamp() > 0) ? Instant.ofEpochSecond(event.getTimestamp()) : null;
			for (binlogdata.Binlogdata.RowChange change : rows.getRowChangesList()) {
				ChangeEvent decoded;
				try {
					decoded = RowChangeDecoder.decode(schema, change, keyspace, shard, transactionPosition, commitTime);
				}
				catch (RuntimeException ex) {
					VStreamContainer.this.changesFailed.incrementAndGet();
					VStreamContainer.this.streamMonitor.changeUndecodable(VStreamContainer.this, ex);
					VStreamContainer.this.errorHandler.handle(ex, null, null, null);
					continue;
				}
				Operation op = decoded.op();
				for (VStreamListenerEndpoint listener : listeners) {
					if (!listener.accepts(op)) {
						continue;
					}
					if (listener.getAdapter().isBatch()) {
						this.batches.computeIfAbsent(listener, (l) -> new ArrayList<>()).add(decoded);
					}
					else {
						invoke(listener, decoded, () -> listener.getAdapter().invoke(decoded));
					}
				}
				if (commitTime != null) {
					VStreamContainer.this.lastCommitTime = commitTime;
				}
			}
		}

		private void invoke(VStreamListenerEndpoint listener, ChangeEvent event, Runnable call) {
			beginTransaction();
			VStreamMonitor streamMonitor = VStreamContainer.this.streamMonitor;
			long start = System.nanoTime();
			try {
				streamMonitor.invoke(VStreamContainer.this, listener, event, call);
				VStreamContainer.this.changesHandled.incrementAndGet();
				listener.getStatistics().recordHandled();
				streamMonitor.changeHandled(VStreamContainer.this, listener, event, System.nanoTime() - start, null);
			}
			catch (RuntimeException ex) {
				VStreamContainer.this.changesFailed.incrementAndGet();
				listener.getStatistics().recordFailed(ex);
				streamMonitor.changeHandled(VStreamContainer.this, listener, event, System.nanoTime() - start, ex);
				VStreamContainer.this.errorHandler.handle(ex, event, listener, call);
			}
		}

		private void onCopyCompleted(VEvent event) {
			if (logger.isDebugEnabled()) {
				logger.debug("Stream '" + getId() + "' copy completed for keyspace '" + event.getKeyspace() + "' shard '"
						+ event.getShard() + "'; position " + this.pending);
			}
			boolean whole = event.getKeyspace().isEmpty() && event.getShard().isEmpty();
			if (whole) {
				logger.info("Stream '" + getId() + "' finished copying existing rows");
				VStreamContainer.this.state = StreamState.STREAMING;
			}
			// The end of the copy is worth saving at once: a restart would otherwise copy again.
			transactionHandled(whole);
		}

		/**
		 * Every change before the last VGTID was handled: deliver held transaction batches, then
		 * move the position and save it when the checkpoint policy says so.
		 */
		private void transactionHandled(boolean forceSave) {
			StreamPosition reached = this.pending;
			if (!this.batches.isEmpty()) {
				Map<VStreamListenerEndpoint, List<ChangeEvent>> held = new LinkedHashMap<>(this.batches);
				this.batches.clear();
				held.forEach((listener, events) -> {
					// Rows that came in an earlier response than their transaction's end now know its position.
					List<ChangeEvent> positioned = events.stream().map((e) -> withPosition(e, reached)).toList();
					invoke(listener, positioned.get(positioned.size() - 1),
							() -> listener.getAdapter().invokeBatch(positioned));
				});
			}
			if (reached != null && !reached.equals(VStreamContainer.this.position)) {
				VStreamContainer.this.position = reached;
				VStreamContainer.this.unsavedTransactions++;
				this.progressed = true;
			}
			saveIfDue(forceSave);
		}

		private static ChangeEvent withPosition(ChangeEvent event, @Nullable StreamPosition position) {
			if (event.position() != null || position == null) {
				return event;
			}
			return event.withPosition(position);
		}

		void saveIfDue(boolean force) {
			StreamPosition handled = VStreamContainer.this.position;
			// Only a position vtgate sent after handled changes is worth saving: the configured start
			// ("current" in particular) must never be stored as if it had been reached.
			if (handled == null || VStreamContainer.this.unsavedTransactions == 0) {
				commitTransaction();
				return;
			}
			CheckpointPolicy policy = VStreamContainer.this.checkpointPolicy;
			boolean due = force || VStreamContainer.this.unsavedTransactions >= policy.transactions()
					|| (!policy.interval().isZero() && System.nanoTime() - VStreamContainer.this.lastSaveNanos >= policy
						.interval()
						.toNanos());
			if (!due) {
				return;
			}
			long start = System.nanoTime();
			storeCall("save its position " + handled, () -> {
				beginTransaction();
				VStreamContainer.this.offsets.compareAndSave(getId(), VStreamContainer.this.savedPosition, handled);
				commitTransaction();
			});
			VStreamContainer.this.savedPosition = handled;
			VStreamContainer.this.startPositions.positionSaved();
			VStreamContainer.this.unsavedTransactions = 0;
			VStreamContainer.this.lastSaveNanos = System.nanoTime();
			VStreamContainer.this.streamMonitor.checkpointSaved(VStreamContainer.this, handled,
					System.nanoTime() - start);
		}

		private void beginTransaction() {
			PlatformTransactionManager manager = VStreamContainer.this.transactionManager;
			if (manager != null && this.transaction == null) {
				storeCall("begin the transaction of its listeners' work",
						() -> this.transaction = manager.getTransaction(TransactionDefinition.withDefaults()));
			}
		}

		private void commitTransaction() {
			TransactionStatus status = this.transaction;
			if (status != null) {
				this.transaction = null;
				storeCall("commit its listeners' work and position",
						() -> VStreamContainer.this.transactionManager.commit(status));
			}
		}

		/**
		 * Run a call to the offset store (or the transaction it shares), timed for health checks.
		 * A failure means the store is unavailable, except a save the store refused on purpose (a
		 * fence), which retrying cannot fix.
		 */
		private void storeCall(String what, Runnable call) {
			OffsetStoreWatch watch = VStreamContainer.this.storeWatch;
			watch.callStarted(Instant.now());
			try {
				call.run();
			}
			catch (SaveRefusedException ex) {
				throw ex;
			}
			catch (RuntimeException ex) {
				OffsetStoreUnavailableException failure = new OffsetStoreUnavailableException("Stream '" + getId()
						+ "' could not " + what + ": " + ex.getMessage(), ex);
				// Set before the state shows the outage, so that no reader sees one without the other.
				VStreamContainer.this.lastError = failure;
				watch.failed(Instant.now());
				throw failure;
			}
			finally {
				watch.callEnded();
			}
			Instant failingSince = watch.succeeded();
			if (failingSince != null) {
				logger.info("Stream '" + getId() + "' reaches its offset store again (unavailable since "
						+ failingSince + "); carrying on from " + VStreamContainer.this.position);
				if (VStreamContainer.this.lastError instanceof OffsetStoreUnavailableException) {
					VStreamContainer.this.lastError = null;
				}
			}
		}

		/**
		 * The session ends without success: undo the listeners' uncommitted work, which also takes
		 * the handled position back to the saved one, since those changes will come again.
		 */
		void abandon() {
			this.batches.clear();
			TransactionStatus status = this.transaction;
			if (status != null) {
				this.transaction = null;
				try {
					VStreamContainer.this.transactionManager.rollback(status);
				}
				catch (RuntimeException ex) {
					logger.warn("Stream '" + getId() + "' could not roll back its transaction", ex);
				}
				VStreamContainer.this.position = VStreamContainer.this.savedPosition;
				VStreamContainer.this.unsavedTransactions = 0;
			}
		}

	}

	/** Ends the session at a journal handed to a {@link ReshardHandler}: not a failure. */
	private static final class ReshardSignal extends RuntimeException {

		private final ReshardHandler handler;

		private final binlogdata.Binlogdata.Journal journal;

		ReshardSignal(ReshardHandler handler, binlogdata.Binlogdata.Journal journal) {
			super(null, null, false, false);
			this.handler = handler;
			this.journal = journal;
		}

	}

	private static String unqualified(String table) {
		int dot = table.indexOf('.');
		return (dot >= 0) ? table.substring(dot + 1) : table;
	}

}
