package dev.vstream.listener;

import java.util.List;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

/**
 * Decides what happens when a change cannot be handled: a row that cannot be decoded or
 * mapped, or a listener that throws. Returning normally skips the change for that
 * listener (the stream's position then moves past it); throwing stops the stream without
 * advancing its position.
 *
 * @see DefaultVStreamErrorHandler
 */
@FunctionalInterface
public interface VStreamErrorHandler {

	/**
	 * Handle a failure.
	 * @param exception what went wrong
	 * @param event the change, or {@code null} when the row could not even be decoded
	 * @param listener the listener that failed, or {@code null} when the failure is not
	 * specific to one listener
	 * @param retry calls the listener again with the same change (throws if it fails
	 * again), or {@code null} when there is nothing to retry
	 */
	void handle(RuntimeException exception, @Nullable ChangeEvent event, @Nullable VStreamListenerEndpoint listener,
			@Nullable Runnable retry);

	/**
	 * Handle a failure on a stream that may be stopping: a handler that waits (a retry
	 * back-off) must end its wait once {@code stopped} says so, and then throw, so that
	 * the change stays unhandled and comes again on the next start. The stream calls this
	 * method; by default it calls
	 * {@link #handle(RuntimeException, ChangeEvent, VStreamListenerEndpoint, Runnable)}.
	 * @param exception what went wrong
	 * @param event the change, or {@code null} when the row could not even be decoded
	 * @param listener the listener that failed, or {@code null} when the failure is not
	 * specific to one listener
	 * @param retry calls the listener again with the same change (throws if it fails
	 * again), or {@code null} when there is nothing to retry
	 * @param stopped whether the stream was asked to stop
	 */
	default void handle(RuntimeException exception, @Nullable ChangeEvent event,
			@Nullable VStreamListenerEndpoint listener, @Nullable Runnable retry, BooleanSupplier stopped) {
		handle(exception, event, listener, retry);
	}

	/**
	 * Handle the failure of a call of a listener of {@code List<RowChange<T>>} (a whole
	 * transaction, or a batch): the call failed as a whole, and {@code retry} calls it
	 * again with all of {@code events}. Returning normally skips them all for that
	 * listener; throwing stops the stream before the first of them. By default the last
	 * change stands for the call in
	 * {@link #handle(RuntimeException, ChangeEvent, VStreamListenerEndpoint, Runnable, BooleanSupplier)}.
	 * @param exception what went wrong
	 * @param events the changes of the call, in commit order, never empty
	 * @param listener the listener that failed
	 * @param retry calls the listener again with the same changes (throws if it fails
	 * again)
	 * @param stopped whether the stream was asked to stop
	 */
	default void handleBatch(RuntimeException exception, List<ChangeEvent> events, VStreamListenerEndpoint listener,
			Runnable retry, BooleanSupplier stopped) {
		handle(exception, events.get(events.size() - 1), listener, retry, stopped);
	}

	/**
	 * Stop the stream and keep its position, so that nothing is lost and the change is
	 * delivered again once the cause is fixed and the stream restarted.
	 * @return an error handler that rethrows
	 */
	static VStreamErrorHandler stopStream() {
		return (exception, event, listener, retry) -> {
			throw exception;
		};
	}

}
