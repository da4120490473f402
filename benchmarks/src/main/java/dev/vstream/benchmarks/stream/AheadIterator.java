package dev.vstream.benchmarks.stream;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.vitess.proto.Vtgate.VStreamRequest;

/**
 * The bare client's receive loop at its fastest: responses are parsed on the transport
 * thread (direct executor) and requested {@code ahead} at a time, so the consuming thread
 * neither parses nor waits for a hand-off per response. What the starter's own stream
 * does, without anything else; kept apart from it on purpose (the limit must not share
 * the starter's code).
 *
 * @param <T> the response type
 */
final class AheadIterator<T> implements Iterator<T> {

	private static final Object END = new Object();

	/**
	 * How many times the consuming thread looks for the next response before it parks:
	 * {@code bench.spins}, 0 (the default) to park at once; the harness sets 2000 (tens
	 * of microseconds) for its {@code limit} consumer at 1-row transactions. That made
	 * the limit ~25 % faster with 1-row transactions and slower with 100-row ones on 2
	 * cores (2026-12-02), where the spinning thread takes a core from gRPC's.
	 */
	private static final int SPINS = Integer.getInteger("bench.spins", 0);

	private final BlockingQueue<Object> queue;

	private final int refill;

	private ClientCallStreamObserver<VStreamRequest> call;

	private Object next;

	private int taken;

	AheadIterator(Channel channel, MethodDescriptor<VStreamRequest, T> method, VStreamRequest request, int ahead) {
		this.queue = new ArrayBlockingQueue<>(ahead + 1);
		this.refill = Math.max(1, ahead / 2);
		ClientCalls.asyncServerStreamingCall(
				channel.newCall(method, CallOptions.DEFAULT.withExecutor(MoreExecutors.directExecutor())), request,
				new ClientResponseObserver<VStreamRequest, T>() {

					@Override
					public void beforeStart(ClientCallStreamObserver<VStreamRequest> requestStream) {
						AheadIterator.this.call = requestStream;
						requestStream.disableAutoRequestWithInitial(ahead);
					}

					@Override
					public void onNext(T value) {
						AheadIterator.this.queue.add(value);
					}

					@Override
					public void onError(Throwable t) {
						AheadIterator.this.queue.add(END);
					}

					@Override
					public void onCompleted() {
						AheadIterator.this.queue.add(END);
					}

				});
	}

	@Override
	public boolean hasNext() {
		if (this.next == null) {
			this.next = spinForNext();
		}
		if (this.next == null) {
			try {
				this.next = this.queue.take();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return this.next != END;
	}

	/**
	 * Look for the next response without parking for a short while: a response usually
	 * arrives within microseconds while the stream is busy, and parking the consuming
	 * thread then costs a wake-up per response (with 1-row transactions the bare loop
	 * otherwise lost to the starter for that reason alone).
	 * @return the next response or the end, {@code null} when none came while spinning
	 */
	private Object spinForNext() {
		for (int i = 0; i < SPINS; i++) {
			Object value = this.queue.poll();
			if (value != null) {
				return value;
			}
			Thread.onSpinWait();
		}
		return null;
	}

	@Override
	@SuppressWarnings("unchecked")
	public T next() {
		if (!hasNext()) {
			throw new NoSuchElementException();
		}
		T value = (T) this.next;
		this.next = null;
		if (++this.taken == this.refill) {
			this.taken = 0;
			this.call.request(this.refill);
		}
		return value;
	}

}
