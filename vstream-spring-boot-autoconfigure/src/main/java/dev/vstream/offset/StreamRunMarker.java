package dev.vstream.offset;

/**
 * Remembers which streams have run, apart from their saved positions: a stream that finds
 * no saved position although its marker says it ran has lost its position (a Redis
 * restarted without persistence, a truncated offset table), rather than starting for the
 * first time.
 *
 * <p>
 * Keep the marker where the positions are not: a store that loses both cannot tell the
 * two cases apart. {@link JdbcStreamRunMarker} keeps it in a table of the application's
 * database; define a bean of this type to keep it elsewhere.
 */
public interface StreamRunMarker {

	/**
	 * Whether the stream saved a position before.
	 * @param streamId the stream id
	 * @return whether a position of the stream was saved since the marker was last
	 * forgotten
	 * @throws RuntimeException when the marker cannot be read
	 */
	boolean hasRun(String streamId);

	/**
	 * Record that the stream saved a position; called once per start, after its first
	 * save.
	 * @param streamId the stream id
	 */
	void markRun(String streamId);

	/**
	 * Forget that the stream ran: its saved position was deleted on purpose, so the next
	 * start without one is expected.
	 * @param streamId the stream id
	 */
	void forget(String streamId);

	/**
	 * A human-readable description of where the marker is kept, for log lines.
	 * @return the description
	 */
	default String describe() {
		return getClass().getSimpleName();
	}

}
