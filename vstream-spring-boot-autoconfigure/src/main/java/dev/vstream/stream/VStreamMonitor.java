package dev.vstream.stream;

import java.util.List;

import dev.vstream.listener.ChangeEvent;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.position.StreamPosition;
import io.grpc.Status;
import org.jspecify.annotations.Nullable;

/**
 * Callbacks from a {@link VStreamContainer} for metrics and tracing. All methods are
 * called on the stream's own thread and must be cheap; the defaults do nothing.
 */
public interface VStreamMonitor {

	/** A monitor that does nothing. */
	VStreamMonitor NONE = new VStreamMonitor() {
	};

	/**
	 * A response arrived from vtgate.
	 * @param container the stream
	 * @param events how many events it holds
	 */
	default void responseReceived(VStreamContainer container, int events) {
	}

	/**
	 * Run one listener call; an implementation may wrap it (timing, tracing) but must run
	 * it exactly once on the calling thread and let its exception through.
	 * @param container the stream
	 * @param listener the listener
	 * @param event the change
	 * @param invocation the call
	 */
	default void invoke(VStreamContainer container, VStreamListenerEndpoint listener, ChangeEvent event,
			Runnable invocation) {
		invocation.run();
	}

	/**
	 * A listener call ended.
	 * @param container the stream
	 * @param listener the listener
	 * @param event the change
	 * @param nanos how long the call took
	 * @param error what the call threw, {@code null} on success
	 */
	default void changeHandled(VStreamContainer container, VStreamListenerEndpoint listener, ChangeEvent event,
			long nanos, @Nullable Throwable error) {
	}

	/**
	 * A call of a listener of {@code List<RowChange<T>>} (a transaction, or a batch)
	 * ended: one call, for several changes. By default reported as one
	 * {@link #changeHandled} of the last change.
	 * @param container the stream
	 * @param listener the listener
	 * @param events the changes of the call, in commit order, never empty
	 * @param nanos how long the call took
	 * @param error what the call threw, {@code null} on success
	 */
	default void batchHandled(VStreamContainer container, VStreamListenerEndpoint listener, List<ChangeEvent> events,
			long nanos, @Nullable Throwable error) {
		changeHandled(container, listener, events.get(events.size() - 1), nanos, error);
	}

	/**
	 * A row could not be decoded, before any listener saw it.
	 * @param container the stream
	 * @param error the decoding failure
	 */
	default void changeUndecodable(VStreamContainer container, RuntimeException error) {
	}

	/**
	 * Rows of the copy phase were handled (counted once their transaction ended). See
	 * {@link VStreamContainer#getCopyProgress()}.
	 * @param container the stream
	 * @param keyspace the keyspace
	 * @param table the table
	 * @param rows how many rows
	 */
	default void rowsCopied(VStreamContainer container, String keyspace, String table, int rows) {
	}

	/**
	 * A position was saved.
	 * @param container the stream
	 * @param position the saved position
	 * @param nanos how long saving took
	 */
	default void checkpointSaved(VStreamContainer container, StreamPosition position, long nanos) {
	}

	/**
	 * The stream broke and will reconnect.
	 * @param container the stream
	 * @param status why it broke
	 */
	default void reconnecting(VStreamContainer container, Status status) {
	}

	/**
	 * The stream starts without a saved position, at its configured start. Called by
	 * {@link VStreamContainer#start()} on the starting thread, also when the start is
	 * then refused.
	 * @param container the stream
	 * @param start where it starts and whether it ran before
	 */
	default void startedWithoutSavedPosition(VStreamContainer container, StreamStart start) {
	}

}
