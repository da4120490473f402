package dev.vstream.offset;

import org.jspecify.annotations.Nullable;

/**
 * A save that the store answered and refused on purpose, for instance because a fence
 * found that another instance owns the position now. Unlike other
 * {@link OffsetStoreException}s, which a stream retries until the store is back, retrying
 * the same save cannot succeed: the stream stops instead, with its position unchanged.
 */
public class SaveRefusedException extends OffsetStoreException {

	/**
	 * Create an exception.
	 * @param message what was refused and why, naming the stream
	 * @param cause the underlying failure, may be {@code null}
	 */
	public SaveRefusedException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
