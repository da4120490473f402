package dev.vstream.scaling;

import dev.vstream.offset.OffsetStoreException;

/**
 * A position save refused because this instance no longer holds the lock that guards the
 * position: another instance may own it now, and the position it saves must not be overwritten.
 */
public class LockLostException extends OffsetStoreException {

	/**
	 * Create an exception.
	 * @param message what was refused
	 */
	public LockLostException(String message) {
		super(message, null);
	}

}
