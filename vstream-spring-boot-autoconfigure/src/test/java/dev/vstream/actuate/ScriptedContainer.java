package dev.vstream.actuate;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.stream.DefaultVStreamContainer;
import dev.vstream.stream.ReshardHandler;
import dev.vstream.stream.StreamStart;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamContainerOptions;
import dev.vstream.stream.VStreamMonitor;
import dev.vstream.stream.VStreamSettings;
import io.grpc.ManagedChannel;
import org.jspecify.annotations.Nullable;

/**
 * A container, never started, whose state, error, reconnect and commit times a test sets:
 * for transitions a real stream passes through too briefly to observe, and for commit
 * times, which need row events. Everything else comes from a real, never-started
 * container of the same id.
 */
class ScriptedContainer implements VStreamContainer {

	private final DefaultVStreamContainer real;

	private volatile StreamState state = StreamState.STOPPED;

	private volatile @Nullable Throwable lastError;

	private volatile @Nullable Instant lastCommitTime;

	private volatile @Nullable Instant reconnectingSince;

	ScriptedContainer(String id, ManagedChannel channel) {
		this.real = new DefaultVStreamContainer(AbstractStreamTests.settings(id, StartPosition.CURRENT), channel,
				new InMemoryOffsetRepository(), List::of, VStreamErrorHandler.stopStream());
	}

	ScriptedContainer is(StreamState state, @Nullable Throwable lastError) {
		this.state = state;
		this.lastError = lastError;
		return this;
	}

	ScriptedContainer reconnectingSince(@Nullable Instant reconnectingSince) {
		this.reconnectingSince = reconnectingSince;
		return this;
	}

	ScriptedContainer committedAt(@Nullable Instant lastCommitTime) {
		this.lastCommitTime = lastCommitTime;
		return this;
	}

	@Override
	public StreamState getState() {
		return this.state;
	}

	@Override
	public @Nullable Throwable getLastError() {
		return this.lastError;
	}

	@Override
	public @Nullable Instant getReconnectingSince() {
		return this.reconnectingSince;
	}

	@Override
	public @Nullable Instant getLastCommitTime() {
		return this.lastCommitTime;
	}

	@Override
	public String getId() {
		return this.real.getId();
	}

	@Override
	public VStreamSettings getSettings() {
		return this.real.getSettings();
	}

	@Override
	public OffsetRepository getOffsetRepository() {
		return this.real.getOffsetRepository();
	}

	@Override
	public Collection<VStreamListenerEndpoint> getEndpoints() {
		return this.real.getEndpoints();
	}

	@Override
	public Set<String> getKeyspaces() {
		return this.real.getKeyspaces();
	}

	@Override
	public @Nullable Instant getOffsetStoreUnavailableSince() {
		return this.real.getOffsetStoreUnavailableSince();
	}

	@Override
	public @Nullable StreamPosition getPosition() {
		return this.real.getPosition();
	}

	@Override
	public @Nullable StreamPosition getSavedPosition() {
		return this.real.getSavedPosition();
	}

	@Override
	public @Nullable StreamStart getStart() {
		return this.real.getStart();
	}

	@Override
	public @Nullable Instant getLastEventTime() {
		return this.real.getLastEventTime();
	}

	@Override
	public @Nullable Instant getLastHeartbeatTime() {
		return this.real.getLastHeartbeatTime();
	}

	@Override
	public long getEventsReceived() {
		return this.real.getEventsReceived();
	}

	@Override
	public long getChangesHandled() {
		return this.real.getChangesHandled();
	}

	@Override
	public long getChangesFailed() {
		return this.real.getChangesFailed();
	}

	@Override
	public long getReconnects() {
		return this.real.getReconnects();
	}

	@Override
	public VStreamMonitor getMonitor() {
		return this.real.getMonitor();
	}

	@Override
	public VStreamContainerOptions getContainerOptions() {
		return this.real.getContainerOptions();
	}

	@Override
	public void pause() {
		this.real.pause();
	}

	@Override
	public void resume() {
		this.real.resume();
	}

	@Override
	public boolean isPaused() {
		return this.real.isPaused();
	}

	@Override
	public void resetPosition(@Nullable StreamPosition start) {
		this.real.resetPosition(start);
	}

	@Override
	public StreamPosition positionAt(StartPosition start) {
		return this.real.positionAt(start);
	}

	@Override
	public VStreamContainer forShard(String id, String keyspace, String shard, OffsetRepository offsets) {
		return this.real.forShard(id, keyspace, shard, offsets);
	}

	@Override
	public void setReshardHandler(@Nullable ReshardHandler reshardHandler) {
		this.real.setReshardHandler(reshardHandler);
	}

	@Override
	public boolean isResharded() {
		return this.real.isResharded();
	}

	@Override
	public void start() {
		this.real.start();
	}

	@Override
	public void stop() {
		this.real.stop();
	}

	@Override
	public boolean isRunning() {
		return this.real.isRunning();
	}

}
