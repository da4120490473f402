package dev.vstream.scaling;

import java.util.Optional;

import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.StreamPosition;
import org.jspecify.annotations.Nullable;

/**
 * The view of an {@link OffsetRepository} that a {@link LockFence} hands out: loads and
 * deletes go to the repository as they are, and every write goes through {@link #save},
 * which the fence implements as one atomic check-and-write in its store.
 *
 * <p>
 * {@link #compareAndSave} is fenced too, and is where a stream's saves arrive: it must
 * never reach the repository's own compare-and-set, which knows nothing of the lock. The
 * lock already makes this instance the only writer of the position, so the write is not
 * compared as well (as before the repositories had a compare-and-set).
 */
abstract class FencedOffsetRepository implements OffsetRepository {

	private final OffsetRepository offsets;

	private final String lockKey;

	private final String instanceId;

	FencedOffsetRepository(OffsetRepository offsets, String lockKey, String instanceId) {
		this.offsets = offsets;
		this.lockKey = lockKey;
		this.instanceId = instanceId;
	}

	/**
	 * Write the position only while this instance holds the lock, checked atomically with
	 * the write.
	 * @throws LockLostException when the lock is not held; nothing was written
	 */
	@Override
	public abstract void save(String streamId, StreamPosition position);

	@Override
	public final void compareAndSave(String streamId, @Nullable StreamPosition expected, StreamPosition position) {
		save(streamId, position);
	}

	@Override
	public final Optional<StreamPosition> load(String streamId) {
		return this.offsets.load(streamId);
	}

	@Override
	public final void delete(String streamId) {
		this.offsets.delete(streamId);
	}

	/**
	 * @return the repository the positions are written to
	 */
	protected final OffsetRepository offsets() {
		return this.offsets;
	}

	/**
	 * @return the key of the lock that fences the writes
	 */
	protected final String lockKey() {
		return this.lockKey;
	}

	/**
	 * The failure of a save refused because the lock is no longer held.
	 * @param streamId the stream whose position was not saved
	 * @param position the position not saved
	 * @return the exception to throw
	 */
	protected final LockLostException lockLost(String streamId, StreamPosition position) {
		return new LockLostException("Position " + position + " of stream '" + streamId + "' not saved: instance '"
				+ this.instanceId + "' no longer holds lock '" + this.lockKey + "'");
	}

	@Override
	public String toString() {
		return "fenced by lock '" + this.lockKey + "': " + this.offsets;
	}

}
