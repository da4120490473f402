package dev.vstream.offset;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when an {@link OffsetRepository} cannot load or save a position.
 */
public class OffsetStoreException extends RuntimeException {

	/**
	 * Create an exception.
	 * @param message what failed, naming the stream
	 * @param cause the underlying failure, may be {@code null}
	 */
	public OffsetStoreException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
