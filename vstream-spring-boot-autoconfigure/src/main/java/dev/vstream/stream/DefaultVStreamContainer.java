package dev.vstream.stream;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import dev.vstream.listener.DdlListenerEndpoint;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import io.grpc.Channel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

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
		this.positionGuard = new ShardPositionGuard(channel, settings.id(), getContainerOptions());
		this.keyspaces = new StreamKeyspaces(settings, endpoints);
		this.checkpointer = new Checkpointer(settings.id(), offsets, status(), getContainerOptions(),
				(position, nanos) -> {
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
	 * Set the callbacks for metrics and tracing.
	 * @param streamMonitor the monitor
	 */
	public void setMonitor(VStreamMonitor streamMonitor) {
		this.streamMonitor = streamMonitor;
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
		shardContainer.getContainerOptions().copyFrom(getContainerOptions());
		shardContainer.setMonitor(this.streamMonitor);
		shardContainer.setDdlListeners(this.ddlListeners);
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
			new StartupChecks(getId(), this.channel).check(listeners, this.keyspaces::keyspaceOf,
					getContainerOptions().isVerifyTables());
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
