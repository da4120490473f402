package dev.vstream.listener;

/**
 * A listener method threw while handling a change.
 */
public class ListenerExecutionFailedException extends RuntimeException {

	/**
	 * Create an exception.
	 * @param message names the listener and the change
	 * @param cause what the listener threw
	 */
	public ListenerExecutionFailedException(String message, Throwable cause) {
		super(message, cause);
	}

}
