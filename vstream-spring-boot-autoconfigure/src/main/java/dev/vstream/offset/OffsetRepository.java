package dev.vstream.offset;

import java.util.Optional;

import dev.vstream.position.StreamPosition;
import org.jspecify.annotations.Nullable;

/**
 * Stores the position of each stream so that a restarted application resumes exactly
 * where it stopped. A position is saved only after every change it covers was handled.
 *
 * <p>
 * Implementations must be thread-safe. A stored value that cannot be read must make
 * {@link #load(String)} fail with {@link OffsetStoreException} and must never be
 * overwritten silently by a later {@link #save}.
 *
 * <p>
 * A stream saves through {@link #compareAndSave}, which the stores of this starter
 * implement as a compare-and-set, so that two instances of one stream (a rolling deploy)
 * cannot move the position backwards or both commit the same changes' effects.
 * Repositories that only implement {@link #save} keep working, unfenced.
 */
public interface OffsetRepository {

	/**
	 * Load the last saved position of a stream.
	 * @param streamId the stream id
	 * @return the saved position, or empty when the stream has never saved one
	 * @throws OffsetStoreException when the store fails or holds a value that is not a
	 * position
	 */
	Optional<StreamPosition> load(String streamId);

	/**
	 * Save the position of a stream, replacing the previous one.
	 * @param streamId the stream id
	 * @param position the position reached after handling every change it covers
	 * @throws OffsetStoreException when the store fails
	 */
	void save(String streamId, StreamPosition position);

	/**
	 * Save the position of a stream only if the stored one is still {@code expected},
	 * checked atomically with the write (within the caller's transaction, if the store
	 * has transactions and one is active).
	 * <p>
	 * The default implementation does not compare: it calls {@link #save}, so a
	 * repository that does not override it leaves instances of the same stream unfenced.
	 * @param streamId the stream id
	 * @param expected the position the caller loaded or last saved, {@code null} when
	 * none was stored
	 * @param position the position reached after handling every change it covers
	 * @throws PositionConflictException when the stored position is not {@code expected};
	 * nothing was written
	 * @throws OffsetStoreException when the store fails
	 */
	default void compareAndSave(String streamId, @Nullable StreamPosition expected, StreamPosition position) {
		save(streamId, position);
	}

	/**
	 * Forget the position of a stream, so that it starts from its configured start
	 * position.
	 * @param streamId the stream id
	 */
	void delete(String streamId);

}
