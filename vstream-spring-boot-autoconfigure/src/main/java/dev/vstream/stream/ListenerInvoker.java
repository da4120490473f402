package dev.vstream.stream;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.vstream.listener.ChangeEvent;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.listener.VStreamListenerEndpoint;

/**
 * Calls listeners for a stream: inside the listeners' transaction when there is one,
 * through the {@link VStreamMonitor} (metrics, tracing), counted in the stream's and the
 * listener's statistics, and handing failures to the {@link VStreamErrorHandler}, whose
 * retry back-off ends when the stream stops.
 *
 * <p>
 * Concurrency: called on the stream's thread only.
 */
final class ListenerInvoker {

	private final VStreamContainer container;

	private final Supplier<VStreamMonitor> monitor;

	private final VStreamErrorHandler errorHandler;

	private final StreamStatus status;

	private final Checkpointer checkpointer;

	private final BooleanSupplier stopped;

	/**
	 * Create an invoker.
	 * @param container the stream, as reported to the monitor
	 * @param monitor the monitor, read at each call
	 * @param errorHandler what to do with a change that cannot be handled
	 * @param status where calls are counted
	 * @param checkpointer whose transaction listeners' work joins
	 * @param stopped whether the stream was asked to stop, which ends the error handler's
	 * waits
	 */
	ListenerInvoker(VStreamContainer container, Supplier<VStreamMonitor> monitor, VStreamErrorHandler errorHandler,
			StreamStatus status, Checkpointer checkpointer, BooleanSupplier stopped) {
		this.container = container;
		this.monitor = monitor;
		this.errorHandler = errorHandler;
		this.status = status;
		this.checkpointer = checkpointer;
		this.stopped = stopped;
	}

	/**
	 * Call a listener for a change.
	 * @param listener the listener
	 * @param event the change
	 * @param call the call to the listener
	 */
	void invoke(VStreamListenerEndpoint listener, ChangeEvent event, Runnable call) {
		this.checkpointer.beginTransaction();
		VStreamMonitor streamMonitor = this.monitor.get();
		long start = System.nanoTime();
		try {
			streamMonitor.invoke(this.container, listener, event, call);
			this.status.changesHandled.incrementAndGet();
			listener.getStatistics().recordHandled();
			streamMonitor.changeHandled(this.container, listener, event, System.nanoTime() - start, null);
		}
		catch (RuntimeException ex) {
			this.status.changesFailed.incrementAndGet();
			listener.getStatistics().recordFailed(ex);
			streamMonitor.changeHandled(this.container, listener, event, System.nanoTime() - start, ex);
			// Retries that end because the stream stops: a stop, not a failure of the
			// stream.
			handled(() -> this.errorHandler.handle(ex, event, listener, retry(streamMonitor, listener, event, call),
					this.stopped));
		}
	}

	/**
	 * The call the error handler repeats: through the monitor like the first one
	 * (observed, timed), and counted as handled when it succeeds. A failed retry is not
	 * counted again: the change failed once, and the error handler decides what follows.
	 */
	private Runnable retry(VStreamMonitor streamMonitor, VStreamListenerEndpoint listener, ChangeEvent event,
			Runnable call) {
		return () -> {
			long start = System.nanoTime();
			streamMonitor.invoke(this.container, listener, event, call);
			this.status.changesHandled.incrementAndGet();
			listener.getStatistics().recordHandled();
			streamMonitor.changeHandled(this.container, listener, event, System.nanoTime() - start, null);
		};
	}

	/**
	 * Call a listener of {@code List<RowChange<T>>} with the changes of a transaction or
	 * a batch: one call, timed once, its changes counted each; a failure goes to the
	 * error handler with all of them, and a retry calls with all of them again.
	 * @param listener the listener
	 * @param events the changes, in commit order, never empty
	 */
	void invokeBatch(VStreamListenerEndpoint listener, List<ChangeEvent> events) {
		this.checkpointer.beginTransaction();
		VStreamMonitor streamMonitor = this.monitor.get();
		ChangeEvent last = events.get(events.size() - 1);
		Runnable call = () -> listener.getAdapter().invokeBatch(events);
		Runnable attempt = () -> {
			long start = System.nanoTime();
			streamMonitor.invoke(this.container, listener, last, call);
			this.status.changesHandled.addAndGet(events.size());
			listener.getStatistics().recordHandled(events.size());
			streamMonitor.batchHandled(this.container, listener, events, System.nanoTime() - start, null);
		};
		long start = System.nanoTime();
		try {
			attempt.run();
		}
		catch (RuntimeException ex) {
			this.status.changesFailed.addAndGet(events.size());
			listener.getStatistics().recordFailed(ex, events.size());
			streamMonitor.batchHandled(this.container, listener, events, System.nanoTime() - start, ex);
			handled(() -> this.errorHandler.handleBatch(ex, events, listener, attempt, this.stopped));
		}
	}

	/**
	 * Run the error handler: a failure it throws once the stream stops ends the retries
	 * of a stop, not the stream.
	 */
	private void handled(Runnable errorHandling) {
		try {
			errorHandling.run();
		}
		catch (RuntimeException failure) {
			if (this.stopped.getAsBoolean()) {
				throw new RetriesStopped(failure);
			}
			throw failure;
		}
	}

	/**
	 * A row could not be decoded: count it and let the error handler decide.
	 * @param ex the failure
	 */
	void undecodable(RuntimeException ex) {
		this.status.changesFailed.incrementAndGet();
		this.monitor.get().changeUndecodable(this.container, ex);
		this.errorHandler.handle(ex, null, null, null, this.stopped);
	}

	/**
	 * A DDL listener failed: let the error handler decide (by default the stream stops
	 * before the DDL).
	 * @param ex the failure
	 */
	void ddlListenerFailed(RuntimeException ex) {
		this.errorHandler.handle(ex, null, null, null, this.stopped);
	}

	/**
	 * The error handler gave a change up because the stream stops; the change comes
	 * again.
	 */
	static final class RetriesStopped extends RuntimeException {

		RetriesStopped(RuntimeException cause) {
			super(cause.getMessage(), cause, false, false);
		}

	}

}
