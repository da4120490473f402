package dev.vstream.offset;

import dev.vstream.position.StreamPosition;
import org.jspecify.annotations.Nullable;

/**
 * A position save refused by {@link OffsetRepository#compareAndSave} because the stored
 * position is not the one the caller expected: another instance with the same stream id
 * saved one meanwhile (or the position was reset). Nothing was written; the caller must
 * not commit work that the new position was to cover, since the other instance handled it
 * too.
 */
public class PositionConflictException extends SaveRefusedException {

	private final String streamId;

	private final @Nullable StreamPosition expected;

	private final @Nullable StreamPosition stored;

	/**
	 * Create an exception for a stored position that differs from the expected one.
	 * @param streamId the stream id
	 * @param position the position that was not saved
	 * @param expected the position the caller expected to be stored, {@code null} for
	 * none
	 * @param stored the position found stored, {@code null} for none
	 */
	public PositionConflictException(String streamId, StreamPosition position, @Nullable StreamPosition expected,
			@Nullable StreamPosition stored) {
		this(streamId, position, expected, stored, "it is " + describe(stored), null);
	}

	private PositionConflictException(String streamId, StreamPosition position, @Nullable StreamPosition expected,
			@Nullable StreamPosition stored, String found, @Nullable Throwable cause) {
		super("Position " + position + " of stream '" + streamId + "' not saved: the stored position was expected to "
				+ "be " + describe(expected) + " (as this instance loaded or last saved it), but " + found
				+ ". Another instance with the same vstream.id is running (or the position was reset); to run "
				+ "several instances of one stream, use vstream.scaling.mode", cause);
		this.streamId = streamId;
		this.expected = expected;
		this.stored = stored;
	}

	/**
	 * A conflict found by the store itself while the position was being written: another
	 * writer created or changed the stored position concurrently (a duplicate first row,
	 * a lock or serialization failure), so what it stores now is not known here.
	 */
	static PositionConflictException concurrentWrite(String streamId, StreamPosition position,
			@Nullable StreamPosition expected, Throwable cause) {
		return new PositionConflictException(streamId, position, expected, null,
				"another writer changed it concurrently (" + cause.getMessage() + ")", cause);
	}

	private static String describe(@Nullable StreamPosition position) {
		return (position != null) ? position.toString() : "none";
	}

	/**
	 * @return the id of the stream whose position was not saved
	 */
	public String getStreamId() {
		return this.streamId;
	}

	/**
	 * @return the position the caller expected to be stored, {@code null} for none
	 */
	public @Nullable StreamPosition getExpected() {
		return this.expected;
	}

	/**
	 * The position found stored.
	 * @return that position; {@code null} when none was stored, or when a concurrent
	 * write was detected without reading it
	 */
	public @Nullable StreamPosition getStored() {
		return this.stored;
	}

}
