package dev.vstream.listener;

/**
 * Receives the changes that a listener could not handle, after its retries, when the
 * recovery is {@link ErrorRecovery#DEAD_LETTER}: to park them in a table or a queue for
 * later replay. Throwing stops the stream without advancing its position.
 */
@FunctionalInterface
public interface DeadLetterHandler {

	/**
	 * Take a change that could not be handled.
	 * @param event the change, decoded but not mapped
	 * @param listener the listener that failed
	 * @param exception the last failure
	 */
	void handle(ChangeEvent event, VStreamListenerEndpoint listener, RuntimeException exception);

}
