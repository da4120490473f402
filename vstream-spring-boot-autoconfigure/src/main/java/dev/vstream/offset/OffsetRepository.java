package dev.vstream.offset;

import java.util.Optional;

import dev.vstream.stream.StreamPosition;

/**
 * Stores the position of each stream so that a restarted application resumes exactly where it
 * stopped. A position is saved only after every change it covers was handled.
 *
 * <p>Implementations must be thread-safe. A stored value that cannot be read must make
 * {@link #load(String)} fail with {@link OffsetStoreException} and must never be overwritten
 * silently by a later {@link #save}.
 */
public interface OffsetRepository {

	/**
	 * Load the last saved position of a stream.
	 * @param streamId the stream id
	 * @return the saved position, or empty when the stream has never saved one
	 * @throws OffsetStoreException when the store fails or holds a value that is not a position
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
	 * Forget the position of a stream, so that it starts from its configured start position.
	 * @param streamId the stream id
	 */
	void delete(String streamId);

}
