package dev.vstream.stream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.vstream.listener.BatchPolicy;
import dev.vstream.listener.ChangeEvent;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.position.StreamPosition;
import org.jspecify.annotations.Nullable;

/**
 * The changes held for listeners of {@code List<RowChange<T>>} on one connection. A
 * transaction listener gets the changes of each transaction at its end. A batch listener
 * (one with a {@link BatchPolicy}) gets the changes of whole transactions accumulated
 * across transactions: they are buffered at each transaction's end and flushed once a
 * listener's buffer holds its {@link BatchPolicy#maxSize() size} or its first change has
 * waited its {@link BatchPolicy#maxInterval() interval}; a transaction that would take a
 * buffer past its size flushes the buffers before it is added, so that a transaction is
 * never split.
 *
 * <p>
 * Every batch listener's buffer is flushed at once, as vstreamclient flushes all its
 * tables: the stream's position then covers every change delivered, and only then. The
 * caller must not move the stream's position while {@link #isBuffering()}: the position
 * stays before the first buffered change, so that a stream that ends with buffered
 * changes (a crash, a broken connection, a failed listener) gets them again from there.
 *
 * <p>
 * Concurrency: used on the stream's thread only.
 */
final class ListenerBatches {

	private final ListenerInvoker invoker;

	/** The changes of the transaction in hand, per listener, until its end. */
	private final Map<VStreamListenerEndpoint, List<ChangeEvent>> transaction = new LinkedHashMap<>();

	/** Changes of whole transactions held for batch listeners. */
	private final Map<VStreamListenerEndpoint, Buffer> buffers = new LinkedHashMap<>();

	ListenerBatches(ListenerInvoker invoker) {
		this.invoker = invoker;
	}

	/**
	 * Hold a change of the transaction in hand for a listener of lists.
	 * @param listener the listener
	 * @param event the change
	 */
	void hold(VStreamListenerEndpoint listener, ChangeEvent event) {
		this.transaction.computeIfAbsent(listener, (l) -> new ArrayList<>()).add(event);
	}

	/**
	 * The transaction in hand ended (or, between transactions, another event came that
	 * batches may be flushed at): deliver its changes to transaction listeners, buffer
	 * them for batch listeners, and flush the buffers when one is due.
	 * @param end the position the transaction ends at, which its held changes get
	 * @param flush whether to flush the buffers whether or not one is due
	 */
	void transactionEnded(@Nullable StreamPosition end, boolean flush) {
		long now = System.nanoTime();
		if (!this.transaction.isEmpty()) {
			Map<VStreamListenerEndpoint, List<ChangeEvent>> held = new LinkedHashMap<>(this.transaction);
			this.transaction.clear();
			held.forEach((listener, events) -> {
				// Rows that came in an earlier response than their transaction's end now
				// know its position.
				List<ChangeEvent> positioned = events.stream().map((e) -> withPosition(e, end)).toList();
				BatchPolicy policy = listener.getBatchPolicy();
				if (policy == null) {
					this.invoker.invokeBatch(listener, positioned);
					return;
				}
				Buffer buffer = this.buffers.get(listener);
				if (buffer != null && buffer.events.size() + positioned.size() > policy.maxSize()) {
					flush();
				}
				this.buffers.computeIfAbsent(listener, (l) -> new Buffer(policy, now)).events.addAll(positioned);
			});
		}
		if (flush || isDue(now)) {
			flush();
		}
	}

	/**
	 * @return whether changes wait in a batch listener's buffer
	 */
	boolean isBuffering() {
		return !this.buffers.isEmpty();
	}

	/** Deliver every buffered batch, in the order the listeners' first changes came. */
	void flush() {
		while (!this.buffers.isEmpty()) {
			Map.Entry<VStreamListenerEndpoint, Buffer> next = this.buffers.entrySet().iterator().next();
			// Removed first: a batch the error handler skipped or dead-lettered is done.
			this.buffers.remove(next.getKey());
			this.invoker.invokeBatch(next.getKey(), List.copyOf(next.getValue().events));
		}
	}

	/**
	 * The connection ends without success: drop what is held, which comes again from the
	 * stream's position.
	 */
	void clear() {
		this.transaction.clear();
		this.buffers.clear();
	}

	private boolean isDue(long now) {
		for (Buffer buffer : this.buffers.values()) {
			if (buffer.events.size() >= buffer.policy.maxSize()
					|| now - buffer.firstNanos >= buffer.policy.maxInterval().toNanos()) {
				return true;
			}
		}
		return false;
	}

	private static ChangeEvent withPosition(ChangeEvent event, @Nullable StreamPosition position) {
		if (event.position() != null || position == null) {
			return event;
		}
		return event.withPosition(position);
	}

	/** The changes buffered for one batch listener, since its first was held. */
	private static final class Buffer {

		private final BatchPolicy policy;

		private final long firstNanos;

		private final List<ChangeEvent> events = new ArrayList<>();

		Buffer(BatchPolicy policy, long firstNanos) {
			this.policy = policy;
			this.firstNanos = firstNanos;
		}

	}

}
