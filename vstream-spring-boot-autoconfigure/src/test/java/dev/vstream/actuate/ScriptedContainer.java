package dev.vstream.actuate;

import java.time.Instant;
import java.util.List;

import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import io.grpc.ManagedChannel;
import org.jspecify.annotations.Nullable;

/**
 * A container, never started, whose state, error and commit time a test sets: for transitions a
 * real stream passes through too briefly to observe, and for commit times, which need row events.
 */
class ScriptedContainer extends VStreamContainer {

	private volatile StreamState state = StreamState.STOPPED;

	private volatile @Nullable Throwable lastError;

	private volatile @Nullable Instant lastCommitTime;

	ScriptedContainer(String id, ManagedChannel channel) {
		super(AbstractStreamTests.settings(id, StartPosition.CURRENT), channel, new InMemoryOffsetRepository(),
				List::of, VStreamErrorHandler.stopStream());
	}

	ScriptedContainer is(StreamState state, @Nullable Throwable lastError) {
		this.state = state;
		this.lastError = lastError;
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
	public @Nullable Instant getLastCommitTime() {
		return this.lastCommitTime;
	}

}
