package dev.vstream.scaling;

import dev.vstream.stream.VStreamContainer;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * What the coordinators share: the configured stream, the lock fence, and the lifecycle
 * settings (they start and stop in the streams' phase, in place of the streams they run).
 */
abstract class AbstractScalingCoordinator implements SmartLifecycle, ScalingCoordinator {

	private final VStreamContainer stream;

	private final LockFence fence;

	private volatile boolean autoStartup = true;

	AbstractScalingCoordinator(VStreamContainer stream, LockFence fence) {
		this.stream = stream;
		this.fence = fence;
	}

	@Override
	public VStreamContainer getStream() {
		return this.stream;
	}

	@Override
	public String getStreamId() {
		return this.stream.getId();
	}

	/**
	 * @return the fence of the lock store
	 */
	final LockFence fence() {
		return this.fence;
	}

	/**
	 * The instance holding a lock, as the store says; when the store cannot be read, this
	 * instance if it believes it holds the lock, else nobody, so that the status still
	 * answers.
	 * @param lockKey the lock
	 * @param held whether this instance believes it holds the lock
	 * @return the owner's instance id, or {@code null}
	 */
	final @Nullable String owner(String lockKey, boolean held) {
		try {
			return this.fence.owner(lockKey);
		}
		catch (RuntimeException ex) {
			return held ? this.fence.instanceId() : null;
		}
	}

	/**
	 * Set whether this coordinator starts with the application context.
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
		return VStreamContainer.DEFAULT_PHASE;
	}

}
