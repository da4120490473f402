package dev.vstream.listener;

import java.util.List;

/**
 * Receives the changes that a listener could not handle, after its retries, when the
 * recovery is {@link ErrorRecovery#DEAD_LETTER}: to park them in a table or a queue for
 * later replay. Throwing stops the stream without advancing its position.
 *
 * <p>
 * A listener of {@code List<RowChange<T>>} (whole transactions, or batches) fails as a
 * whole: its dead letters are the whole list, handed to {@link #handleBatch}, which by
 * default hands each change to {@link #handle} in order, with the same exception.
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

	/**
	 * Take the changes of a failed call of a listener of {@code List<RowChange<T>>} (a
	 * transaction or a batch): all of them, since the call failed as a whole. By default
	 * each change is handed to {@link #handle} in order.
	 * @param events the changes of the call, decoded but not mapped, in commit order
	 * @param listener the listener that failed
	 * @param exception the last failure
	 */
	default void handleBatch(List<ChangeEvent> events, VStreamListenerEndpoint listener, RuntimeException exception) {
		for (ChangeEvent event : events) {
			handle(event, listener, exception);
		}
	}

}
