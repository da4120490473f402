package dev.vstream.stream;

/**
 * A stream failed in a way that retrying cannot fix, or vtgate sent something a VStream
 * client cannot accept.
 */
public class VStreamException extends RuntimeException {

	/**
	 * Create an exception.
	 * @param message names the stream and what went wrong
	 */
	public VStreamException(String message) {
		super(message);
	}

	/**
	 * Create an exception.
	 * @param message names the stream and what went wrong
	 * @param cause the underlying failure
	 */
	public VStreamException(String message, Throwable cause) {
		super(message, cause);
	}

}
