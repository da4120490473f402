package dev.vstream.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import dev.vstream.listener.DdlListenerEndpoint;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.offset.StreamRunMarker;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import io.grpc.Channel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;

/**
 * The stream container: owns one VStream against vtgate, whose changes it dispatches in
 * order on its own thread, saving the position after the changes it covers were handled
 * and reconnecting with back-off from the last handled position when the stream breaks.
 * This class is the facade (configuration, what the stream reports, pause/resume/reset);
 * the work is done by {@link ReconnectLoop} (the stream thread), {@link StreamSession}
 * (one connection), {@link EventDispatcher} (the events), {@link ListenerInvoker}
 * (listener calls), {@link Checkpointer} (positions and saves) and
 * {@link StartPositionResolver} (where a start begins).
 *
 * <p>
 * Responses are pulled a few at a time (gRPC flow control, see {@link ResponseStream}),
 * so a slow listener slows the stream down instead of filling the heap.
 *
 * <p>
 * Concurrency: the setters are meant for configuration before {@link #start()}; reset
 * runs on the caller's thread under {@link #lifecycleMonitor}, refused while running.
 * What the stream reports is published by the stream thread in volatile fields
 * ({@link StreamStatus}, {@link Checkpointer}) for readers on any thread.
 */
public class DefaultVStreamContainer extends AbstractVStreamContainer {

	private static final Log logger = LogFactory.getLog(DefaultVStreamContainer.class);

	private final VStreamSettings settings;

	private final Channel channel;

	private final OffsetRepository offsets;

	private final Supplier<Collection<VStreamListenerEndpoint>> endpoints;

	private final VStreamErrorHandler errorHandler;

	private final ShardPositionGuard positionGuard;

	private final StreamKeyspaces keyspaces;

	private final StartPositionResolver startPositions = new StartPositionResolver(this);

	private final Checkpointer checkpointer;

	private final ListenerInvoker invoker;

	private final CopyProgressTracker copyProgress = new CopyProgressTracker(this);

	private volatile VStreamMonitor streamMonitor = VStreamMonitor.NONE;

	private volatile Supplier<Collection<DdlListenerEndpoint>> ddlListeners = List::of;

	private volatile @Nullable ReshardHandler reshardHandler;

	private volatile boolean verifyTables = true;

	private volatile boolean autoProject = true;

	private volatile @Nullable StreamStart lastStart;

	private volatile boolean resharded;

	private volatile @Nullable StreamSession session;

	/**
	 * Create a container.
	 * @param settings where and how to stream
	 * @param channel the gRPC channel to vtgate
	 * @param offsets where positions are saved
	 * @param endpoints the listeners of this stream, read when the stream (re)connects
	 * @param errorHandler what to do with a change that cannot be handled
	 */
	public DefaultVStreamContainer(VStreamSettings settings, Channel channel, OffsetRepository offsets,
			Supplier<Collection<VStreamListenerEndpoint>> endpoints, VStreamErrorHandler errorHandler) {
		this.settings = settings;
		this.channel = channel;
		this.offsets = offsets;
		this.endpoints = endpoints;
		this.errorHandler = errorHandler;
		this.positionGuard = new ShardPositionGuard(channel, settings.id());
		this.keyspaces = new StreamKeyspaces(settings, endpoints);
		this.checkpointer = new Checkpointer(settings.id(), offsets, status(), (position, nanos) -> {
			this.startPositions.positionSaved();
			this.streamMonitor.checkpointSaved(this, position, nanos);
		});
		this.invoker = new ListenerInvoker(this, this::getMonitor, errorHandler, status(), this.checkpointer,
				() -> !isRunning());
	}

	@Override
	public String getId() {
		return this.settings.id();
	}

	@Override
	public VStreamSettings getSettings() {
		return this.settings;
	}

	@Override
	public OffsetRepository getOffsetRepository() {
		return this.offsets;
	}

	@Override
	public StreamState getState() {
		StreamState state = status().getState();
		if (isRunning() && state != StreamState.FAILED && state != StreamState.STOPPED
				&& getOffsetStoreUnavailableSince() != null) {
			return StreamState.STORE_UNAVAILABLE;
		}
		return pausedOr(state);
	}

	@Override
	public @Nullable Instant getOffsetStoreUnavailableSince() {
		return this.checkpointer.getStoreWatch().unavailableSince(Instant.now());
	}

	@Override
	public @Nullable StreamPosition getPosition() {
		return this.checkpointer.getPosition();
	}

	@Override
	public @Nullable StreamPosition getSavedPosition() {
		return this.checkpointer.getSavedPosition();
	}

	@Override
	public @Nullable StreamStart getStart() {
		return this.lastStart;
	}

	@Override
	public Collection<VStreamListenerEndpoint> getEndpoints() {
		return this.endpoints.get();
	}

	/**
	 * Set when positions are saved.
	 * @param checkpointPolicy the policy
	 */
	public void setCheckpointPolicy(CheckpointPolicy checkpointPolicy) {
		this.checkpointer.setPolicy(checkpointPolicy);
	}

	@Override
	public CheckpointPolicy getCheckpointPolicy() {
		return this.checkpointer.getPolicy();
	}

	/**
	 * Run the listeners' work and the position save in one transaction of this manager,
	 * committed when the position is saved: with the offset store in the same database as
	 * the listeners' writes, a crash at any point neither loses nor repeats an effect.
	 * @param transactionManager the transaction manager, {@code null} for none
	 */
	public void setTransactionManager(@Nullable PlatformTransactionManager transactionManager) {
		this.checkpointer.setTransactionManager(transactionManager);
	}

	@Override
	public @Nullable PlatformTransactionManager getTransactionManager() {
		return this.checkpointer.getTransactionManager();
	}

	/**
	 * Set the attributes of the transaction shared by the listeners' work and the
	 * position save (isolation, timeout...); {@link TransactionDefinition#withDefaults()}
	 * unless set.
	 * @param transactionDefinition the definition
	 */
	public void setTransactionDefinition(TransactionDefinition transactionDefinition) {
		this.checkpointer.setTransactionDefinition(transactionDefinition);
	}

	/**
	 * @return the attributes of the transaction listeners' work and position saves share
	 */
	public TransactionDefinition getTransactionDefinition() {
		return this.checkpointer.getTransactionDefinition();
	}

	/**
	 * Set whether {@link #start()} asks vtgate for each listened keyspace's tables and
	 * refuses listeners of tables that do not exist. The check is skipped when vtgate
	 * cannot answer.
	 * @param verifyTables whether to check
	 */
	public void setVerifyTables(boolean verifyTables) {
		this.verifyTables = verifyTables;
	}

	/**
	 * Set whether vtgate sends a record or bean listener only the columns its type maps
	 * (looked up in the table at each connect); otherwise every column.
	 * @param autoProject whether to narrow the columns
	 */
	public void setAutoProject(boolean autoProject) {
		this.autoProject = autoProject;
	}

	boolean isAutoProject() {
		return this.autoProject;
	}

	/**
	 * Set where the stream records that it has run, so that a start without a saved
	 * position can tell a first start from an offset store that lost the position.
	 * @param runMarker the marker, {@code null} for none (such a start cannot tell)
	 */
	public void setRunMarker(@Nullable StreamRunMarker runMarker) {
		this.startPositions.setRunMarker(runMarker);
	}

	@Override
	public @Nullable StreamRunMarker getRunMarker() {
		return this.startPositions.getRunMarker();
	}

	/**
	 * Set whether {@link #start()} refuses to start without a saved position when the
	 * stream ran before (or the run marker cannot tell), instead of starting at the
	 * configured start again.
	 * @param requireSavedPosition whether to refuse
	 */
	public void setRequireSavedPosition(boolean requireSavedPosition) {
		this.startPositions.setRequireSavedPosition(requireSavedPosition);
	}

	@Override
	public boolean isRequireSavedPosition() {
		return this.startPositions.isRequireSavedPosition();
	}

	/**
	 * Set whether a listened table that the position resumed from does not cover (its
	 * listener was added, or removed and added back, since) has its existing rows copied
	 * first, as a first start would copy them; otherwise a warning names it and only its
	 * changes from the position on are delivered. On by default.
	 * @param copyNewTables whether to copy such tables
	 */
	public void setCopyNewTables(boolean copyNewTables) {
		this.startPositions.setCopyNewTables(copyNewTables);
	}

	/**
	 * @return whether a listened table the position does not cover is copied first
	 */
	public boolean isCopyNewTables() {
		return this.startPositions.isCopyNewTables();
	}

	/**
	 * Set how long a shard's position in the stream may stand still while the shard's own
	 * position has moved past it before the stream fails: vtgate keeps a stream open,
	 * without news of that shard, when its tablets cannot stream from the requested
	 * position. Every (re)connect also checks that each shard still has the position,
	 * whatever this is set to.
	 * @param progressTimeout the timeout, zero to never fail for this
	 */
	public void setProgressTimeout(Duration progressTimeout) {
		this.positionGuard.setProgressTimeout(progressTimeout);
	}

	@Override
	public Duration getProgressTimeout() {
		return this.positionGuard.getProgressTimeout();
	}

	/**
	 * Set how long a shard's position in the stream may stand still while the shard's own
	 * position has moved past it before the stream reconnects (without failing): after a
	 * reparent or tablet restart vtgate may wait 30 s for a serving tablet inside the
	 * open call, while a new call picks the new tablet at once. Looked for only while the
	 * progress timeout is above zero.
	 * @param stallTimeout the timeout, zero to leave it to vtgate
	 */
	public void setStallTimeout(Duration stallTimeout) {
		this.positionGuard.setStallTimeout(stallTimeout);
	}

	/**
	 * Set the callbacks for metrics and tracing.
	 * @param streamMonitor the monitor
	 */
	public void setMonitor(VStreamMonitor streamMonitor) {
		this.streamMonitor = streamMonitor;
	}

	/**
	 * Set how often the copy phase logs its progress (INFO, a line per table being
	 * copied).
	 * @param interval the interval, zero for never
	 */
	public void setCopyProgressLogInterval(Duration interval) {
		this.copyProgress.setLogInterval(interval);
	}

	@Override
	public List<CopyProgress> getCopyProgress() {
		return this.copyProgress.progress();
	}

	@Override
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

	@Override
	public void setReshardHandler(@Nullable ReshardHandler reshardHandler) {
		this.reshardHandler = reshardHandler;
	}

	@Override
	public boolean isResharded() {
		return this.resharded;
	}

	@Override
	public Set<String> getKeyspaces() {
		return this.keyspaces.keyspaces();
	}

	@Override
	public DefaultVStreamContainer forShard(String id, String keyspace, String shard, OffsetRepository offsets) {
		VStreamSettings shardSettings = this.keyspaces.forShard(id, keyspace, shard);
		DefaultVStreamContainer shardContainer = new DefaultVStreamContainer(shardSettings, this.channel, offsets,
				() -> this.endpoints.get()
					.stream()
					.filter((e) -> this.keyspaces.keyspaceOf(e).equals(keyspace))
					.toList(),
				this.errorHandler);
		shardContainer.setCheckpointPolicy(getCheckpointPolicy());
		shardContainer.setTransactionManager(getTransactionManager());
		shardContainer.setTransactionDefinition(getTransactionDefinition());
		shardContainer.setMonitor(this.streamMonitor);
		shardContainer.setDdlListeners(this.ddlListeners);
		shardContainer.setVerifyTables(this.verifyTables);
		shardContainer.setAutoProject(this.autoProject);
		shardContainer.setRunMarker(getRunMarker());
		shardContainer.setRequireSavedPosition(isRequireSavedPosition());
		shardContainer.setCopyNewTables(isCopyNewTables());
		shardContainer.setProgressTimeout(getProgressTimeout());
		shardContainer.setCopyProgressLogInterval(this.copyProgress.getLogInterval());
		shardContainer.setStallTimeout(this.positionGuard.getStallTimeout());
		shardContainer.setStopTimeout(getStopTimeout());
		copyThreadAndEventsTo(shardContainer);
		shardContainer.setAutoStartup(false);
		return shardContainer;
	}

	@Override
	protected @Nullable Runnable doStart() {
		Collection<VStreamListenerEndpoint> listeners = this.endpoints.get();
		if (listeners.isEmpty()) {
			logger.info("Stream '" + getId() + "' has no listeners; not connecting to vtgate");
			return null;
		}
		StreamStart start;
		try {
			new StartupChecks(getId(), this.channel).check(listeners, this.keyspaces::keyspaceOf, this.verifyTables);
			start = resolveStart();
		}
		catch (RuntimeException ex) {
			status().setLastError(ex);
			status().setState(StreamState.FAILED);
			publish(new VStreamFailedEvent(this, ex));
			throw ex;
		}
		this.lastStart = start;
		this.resharded = false;
		resume();
		status().setLastError(null);
		status().connected();
		this.checkpointer.reset();
		status().setState(StreamState.STARTING);
		return new ReconnectLoop(this);
	}

	@Override
	protected void doStop() {
		StreamSession current = this.session;
		if (current != null) {
			// Wakes a thread waiting for the next response, which stops unless it waits
			// for the rest of a transaction; one busy with a change finishes it first.
			current.stopRequested();
		}
	}

	@Override
	public void resetPosition(@Nullable StreamPosition start) {
		synchronized (this.lifecycleMonitor) {
			if (isRunning()) {
				// The worker would overwrite the new position with the next one it
				// reaches.
				throw new IllegalStateException("Stream '" + getId() + "' is running (" + status().getState()
						+ "); stop it before resetting its position");
			}
			this.startPositions.reset(start);
		}
	}

	@Override
	public StreamPosition positionAt(StartPosition start) {
		return this.keyspaces.positionAt(start);
	}

	/** Resolve where to stream from and make it the handled and saved position. */
	StreamStart resolveStart() {
		StreamStart start = this.startPositions.resolve();
		this.checkpointer.startFrom(start.position(), start.withoutSavedPosition() ? null : start.position());
		this.copyProgress.starting(start.position());
		return start;
	}

	StreamSession newSession() {
		StreamSession next = new StreamSession(this);
		this.session = next;
		return next;
	}

	/** The stream stopped at a reshard journal handed to the reshard handler. */
	void reshardedStop() {
		stopped();
		this.resharded = true;
	}

	Checkpointer checkpointer() {
		return this.checkpointer;
	}

	CopyProgressTracker copyProgress() {
		return this.copyProgress;
	}

	ListenerInvoker invoker() {
		return this.invoker;
	}

	StreamKeyspaces keyspaces() {
		return this.keyspaces;
	}

	ShardPositionGuard positionGuard() {
		return this.positionGuard;
	}

	Channel channel() {
		return this.channel;
	}

	Supplier<Collection<DdlListenerEndpoint>> ddlListeners() {
		return this.ddlListeners;
	}

	@Nullable ReshardHandler reshardHandler() {
		return this.reshardHandler;
	}

}
