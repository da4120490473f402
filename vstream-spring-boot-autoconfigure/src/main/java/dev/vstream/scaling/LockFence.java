package dev.vstream.scaling;

import dev.vstream.offset.OffsetRepository;
import org.jspecify.annotations.Nullable;

/**
 * Ties position saves to the ownership of a lock of a Spring Integration lock registry,
 * in the store that holds both: a save is written only while this instance holds the
 * lock, checked atomically with the write, so that an instance that lost its lock (lease
 * expired during a pause, store unreachable) cannot overwrite the position of the
 * instance that took over.
 */
public interface LockFence {

	/**
	 * The id under which this instance holds locks, as shown to operators.
	 * @return the instance id
	 */
	String instanceId();

	/**
	 * Called right after this instance acquired a lock, before anything is saved under
	 * it.
	 * @param lockKey the key passed to the lock registry
	 */
	default void lockAcquired(String lockKey) {
	}

	/**
	 * A view of a repository whose saves are refused with {@link LockLostException}
	 * unless this instance holds the lock when the position is written. Loads and deletes
	 * are not fenced.
	 * @param lockKey the key passed to the lock registry
	 * @param offsets the repository positions are saved in
	 * @return the fenced repository
	 */
	OffsetRepository fenced(String lockKey, OffsetRepository offsets);

	/**
	 * The instance holding a lock now, as far as the store knows.
	 * @param lockKey the key passed to the lock registry
	 * @return the holder's instance id, or {@code null} when nobody holds it
	 */
	@Nullable String owner(String lockKey);

}
