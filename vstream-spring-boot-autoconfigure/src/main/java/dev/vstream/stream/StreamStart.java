package dev.vstream.stream;

import dev.vstream.position.StreamPosition;
import org.jspecify.annotations.Nullable;

/**
 * Where a stream started, and whether that was expected.
 *
 * @param from what the start position came from
 * @param position the position the stream started at
 * @param ranBefore whether the stream's run marker says it saved a position before;
 * {@code null} when there is no marker or it could not be read
 */
public record StreamStart(From from, StreamPosition position, @Nullable Boolean ranBefore) {

	/**
	 * Whether the stream started without a saved position.
	 * @return {@code true} unless it resumed from a saved position
	 */
	public boolean withoutSavedPosition() {
		return this.from != From.SAVED_POSITION;
	}

	/**
	 * Whether a saved position is missing although the stream ran before: the offset
	 * store lost it.
	 * @return {@code true} when it looks lost
	 */
	public boolean positionLost() {
		return withoutSavedPosition() && Boolean.TRUE.equals(this.ranBefore);
	}

	/** What a start position came from. */
	public enum From {

		/** The position saved in the offset store. */
		SAVED_POSITION,

		/**
		 * The configured start VGtid ({@code vstream.start-vgtid}), nothing being saved.
		 */
		START_VGTID,

		/** The copy phase ({@code vstream.start-position=copy}), nothing being saved. */
		COPY,

		/**
		 * Changes from now on ({@code vstream.start-position=current}), nothing being
		 * saved.
		 */
		CURRENT

	}

}
