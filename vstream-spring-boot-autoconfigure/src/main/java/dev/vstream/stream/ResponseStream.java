package dev.vstream.stream;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.vitess.proto.Vtgate.VStreamRequest;
import io.vitess.proto.Vtgate.VStreamResponse;
import io.vitess.proto.grpc.VitessGrpc;
import org.jspecify.annotations.Nullable;

/**
 * The responses of one VStream call as a blocking iterator, like the blocking stub's, but asking
 * gRPC for a few responses ahead instead of one at a time. The blocking stub requests the next
 * response only when the previous one was taken, which costs two thread hand-offs (to the
 * transport and back) per response: with one small transaction per response that, not the
 * network, bounded the stream. Here at most {@code prefetch} responses wait in memory and more
 * are requested half a window at a time, so flow control still holds the rest of the stream in
 * vtgate when the listeners are slower than the wire.
 *
 * <p>Like the blocking stub's iterator: the call belongs to the current {@link io.grpc.Context}
 * (cancelling it ends the call), a failed call throws its {@link StatusRuntimeException} from
 * {@link #hasNext()}, and an interrupted wait cancels the call.
 */
final class ResponseStream implements Iterator<VStreamResponse> {

	/** Marks the end of a completed call in the queue. */
	private static final Object END = new Object();

	private final BlockingQueue<Object> queue;

	private final int refill;

	private volatile @Nullable ClientCallStreamObserver<VStreamRequest> call;

	private @Nullable Object next;

	private int taken;

	private boolean finished;

	/**
	 * Start the call.
	 * @param channel vtgate's channel
	 * @param request the request
	 * @param prefetch how many responses may wait unhandled (at least 2)
	 */
	ResponseStream(Channel channel, VStreamRequest request, int prefetch) {
		// The window, plus the end of the call or its error.
		this.queue = new ArrayBlockingQueue<>(prefetch + 1);
		this.refill = Math.max(1, prefetch / 2);
		// Callbacks on the transport's thread: they only parse and enqueue, never block, and the
		// parsing then overlaps with the listeners' work on the stream's thread.
		VitessGrpc.newStub(channel)
			.withExecutor(MoreExecutors.directExecutor())
			.vStream(request, new ClientResponseObserver<VStreamRequest, VStreamResponse>() {

			@Override
			public void beforeStart(ClientCallStreamObserver<VStreamRequest> requestStream) {
				ResponseStream.this.call = requestStream;
				requestStream.disableAutoRequestWithInitial(prefetch);
			}

			@Override
			public void onNext(VStreamResponse response) {
				// Never blocks: no more than prefetch responses were requested and not yet taken.
				ResponseStream.this.queue.add(response);
			}

			@Override
			public void onError(Throwable error) {
				ResponseStream.this.queue.add(error);
			}

			@Override
			public void onCompleted() {
				ResponseStream.this.queue.add(END);
			}

		});
	}

	@Override
	public boolean hasNext() {
		if (this.next == null && !this.finished) {
			try {
				this.next = this.queue.take();
			}
			catch (InterruptedException ex) {
				ClientCallStreamObserver<VStreamRequest> call = this.call;
				if (call != null) {
					call.cancel("Thread interrupted", ex);
				}
				Thread.currentThread().interrupt();
				throw Status.CANCELLED.withDescription("Thread interrupted").withCause(ex).asRuntimeException();
			}
		}
		Object head = this.next;
		if (head == END) {
			this.finished = true;
			return false;
		}
		if (head instanceof Throwable error) {
			this.finished = true;
			this.next = END;
			throw (error instanceof StatusRuntimeException sre) ? sre : Status.fromThrowable(error).asRuntimeException();
		}
		return head != null;
	}

	@Override
	public VStreamResponse next() {
		if (!hasNext()) {
			throw new NoSuchElementException();
		}
		VStreamResponse response = (VStreamResponse) this.next;
		this.next = null;
		if (++this.taken == this.refill) {
			this.taken = 0;
			ClientCallStreamObserver<VStreamRequest> call = this.call;
			if (call != null) {
				call.request(this.refill);
			}
		}
		return response;
	}

}
