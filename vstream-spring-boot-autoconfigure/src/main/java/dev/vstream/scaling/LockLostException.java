package dev.vstream.scaling;

import dev.vstream.offset.SaveRefusedException;
import org.jspecify.annotations.Nullable;

/**
 * A position save refused because this instance no longer holds the lock that guards the
 * position: another instance may own it now, and the position it saves must not be
 * overwritten.
 */
public class LockLostException extends SaveRefusedException {

	/**
	 * Create an exception.
	 * @param message what was refused
	 */
	public LockLostException(String message) {
		super(message, null);
	}

	/**
	 * Whether a failure was caused by a lost lock.
	 * @param error the failure, possibly {@code null}
	 * @return whether a {@link LockLostException} is in its cause chain
	 */
	public static boolean isCauseOf(@Nullable Throwable error) {
		for (Throwable current = error; current != null; current = current.getCause()) {
			if (current instanceof LockLostException) {
				return true;
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return false;
	}

}
