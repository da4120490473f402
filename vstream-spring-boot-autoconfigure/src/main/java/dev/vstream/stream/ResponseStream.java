package dev.vstream.stream;

import java.io.IOException;
import java.io.InputStream;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.Marshaller;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.vitess.proto.Vtgate.VStreamRequest;
import io.vitess.proto.Vtgate.VStreamResponse;
import io.vitess.proto.grpc.VitessGrpc;
import org.jspecify.annotations.Nullable;

/**
 * The responses of one VStream call as a blocking iterator, like the blocking stub's, but
 * asking gRPC for a few responses ahead instead of one at a time. The blocking stub
 * requests the next response only when the previous one was taken, which costs two thread
 * hand-offs (to the transport and back) per response: with one small transaction per
 * response that, not the network, bounded the stream. Here at most {@code prefetch}
 * responses wait in memory and more are requested half a window at a time, so flow
 * control still holds the rest of the stream in vtgate when the listeners are slower than
 * the wire.
 *
 * <p>
 * Like the blocking stub's iterator: the call belongs to the current
 * {@link io.grpc.Context} (cancelling it ends the call), a failed call throws its
 * {@link StatusRuntimeException} from {@link #hasNext()}, and an interrupted wait cancels
 * the call.
 *
 * <p>
 * A window of responses is cheap while responses are small (vttablet packs events up to
 * its packet size, 250 KB by default), but a table of rows of many megabytes makes each
 * response as large as a row. Once a response larger than {@link #LARGE_RESPONSE}
 * arrives, the stream asks for one response at a time, as the blocking stub does, until
 * responses are small again, so memory held stays near one large response instead of a
 * window of them (plus the HTTP/2 flow-control window of the transport, which gRPC sizes
 * from 1 MiB up to 8 MiB as it measures the link).
 *
 * <p>
 * Besides the iterator, {@link #await(long)} waits for the next response with a time
 * limit, and {@link #wake()} ends such a wait from another thread without ending the
 * call: a stream that is asked to stop in the middle of a transaction still reads the
 * rest of it.
 */
final class ResponseStream implements VStreamResponses {

	/** Marks the end of a completed call in the queue. */
	private static final Object END = new Object();

	/** Marks a {@link #wake()} in the queue. */
	private static final Object WAKE = new Object();

	/** From this size on, a response is not prefetched beyond the one being handled. */
	static final int LARGE_RESPONSE = 1024 * 1024;

	private final BlockingQueue<Object> queue;

	private final int prefetch;

	private final int refill;

	/** Responses requested and not yet taken; only the consumer's thread touches it. */
	private int outstanding;

	/**
	 * Whether the latest response was large. Written on the transport thread by the
	 * marshaller right before that response is queued, read by the consumer after taking
	 * from the queue.
	 */
	private volatile boolean large;

	private volatile @Nullable ClientCallStreamObserver<VStreamRequest> call;

	/** Whether a {@link #WAKE} waits in the queue: at most one does. */
	private final AtomicBoolean wakeQueued = new AtomicBoolean();

	/**
	 * Responses in the queue: counted rather than found by walking the queue, as an
	 * iterator of an {@link ArrayBlockingQueue} costs its every later put and take some
	 * bookkeeping. Raised before a response is queued, so it may run ahead of the queue
	 * for a moment, never behind it.
	 */
	private final AtomicInteger queuedResponses = new AtomicInteger();

	private @Nullable Object next;

	private boolean finished;

	/**
	 * Start the call.
	 * @param channel vtgate's channel
	 * @param request the request
	 * @param prefetch how many responses may wait unhandled (at least 2)
	 */
	ResponseStream(Channel channel, VStreamRequest request, int prefetch) {
		this(channel, request, prefetch, () -> {
		});
	}

	/**
	 * Start the call.
	 * @param channel vtgate's channel
	 * @param request the request
	 * @param prefetch how many responses may wait unhandled (at least 2)
	 * @param onConnected called once, on the transport's thread, when the call is
	 * established on a connection to vtgate: vtgate sends nothing on an idle stream until
	 * its first heartbeat, so this is the only sign of a working connection before then
	 */
	ResponseStream(Channel channel, VStreamRequest request, int prefetch, Runnable onConnected) {
		this(channel, request, prefetch, onConnected, () -> {
		});
	}

	/**
	 * Start the call.
	 * @param channel vtgate's channel
	 * @param request the request
	 * @param prefetch how many responses may wait unhandled (at least 2)
	 * @param onConnected see
	 * {@link #ResponseStream(Channel, VStreamRequest, int, Runnable)}
	 * @param onArrival called on the transport's thread after a response, the end of the
	 * call or its failure was queued (must not block)
	 */
	ResponseStream(Channel channel, VStreamRequest request, int prefetch, Runnable onConnected, Runnable onArrival) {
		// The window, plus the end of the call or its error, plus a wake-up.
		this.queue = new ArrayBlockingQueue<>(prefetch + 2);
		this.prefetch = prefetch;
		this.refill = Math.max(1, prefetch / 2);
		this.outstanding = prefetch;
		MethodDescriptor<VStreamRequest, VStreamResponse> method = VitessGrpc.getVStreamMethod();
		method = method.toBuilder(method.getRequestMarshaller(), new SizeNoting(method.getResponseMarshaller()))
			.build();
		// Callbacks on the transport's thread: they only parse and enqueue, never block,
		// and the parsing then overlaps with the listeners' work on the stream's thread.
		// gRPC tells a call whose client sends one message nothing when it is established
		// (no onReady); a stream tracer learns when the call's headers went out on a
		// connection.
		ClientStreamTracer.Factory connected = new ClientStreamTracer.Factory() {

			@Override
			public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
				return new ClientStreamTracer() {

					@Override
					public void outboundHeaders() {
						onConnected.run();
					}

				};
			}

		};
		CallOptions options = CallOptions.DEFAULT.withExecutor(MoreExecutors.directExecutor())
			.withStreamTracerFactory(connected);
		ClientCalls.asyncServerStreamingCall(channel.newCall(method, options), request,
				new ClientResponseObserver<VStreamRequest, VStreamResponse>() {

					@Override
					public void beforeStart(ClientCallStreamObserver<VStreamRequest> requestStream) {
						ResponseStream.this.call = requestStream;
						requestStream.disableAutoRequestWithInitial(prefetch);
					}

					@Override
					public void onNext(VStreamResponse response) {
						// Never blocks: no more than prefetch responses were requested
						// and not yet taken.
						ResponseStream.this.queuedResponses.incrementAndGet();
						ResponseStream.this.queue.add(response);
						onArrival.run();
					}

					@Override
					public void onError(Throwable error) {
						ResponseStream.this.queue.add(error);
						onArrival.run();
					}

					@Override
					public void onCompleted() {
						ResponseStream.this.queue.add(END);
						onArrival.run();
					}

				});
	}

	@Override
	public boolean hasNext() {
		while (!await(-1)) {
			// Woken: only callers of await() look at the stream's state in between.
		}
		Object head = this.next;
		if (head == END) {
			this.finished = true;
			return false;
		}
		if (head instanceof Throwable error) {
			this.finished = true;
			this.next = END;
			throw (error instanceof StatusRuntimeException sre) ? sre
					: Status.fromThrowable(error).asRuntimeException();
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
		this.outstanding--;
		int more;
		if (this.large) {
			more = (this.outstanding == 0) ? 1 : 0;
		}
		else {
			more = (this.prefetch - this.outstanding >= this.refill) ? this.prefetch - this.outstanding : 0;
		}
		if (more > 0) {
			ClientCallStreamObserver<VStreamRequest> call = this.call;
			if (call != null) {
				this.outstanding += more;
				call.request(more);
			}
		}
		return response;
	}

	/**
	 * Wait until {@link #hasNext()} can answer without waiting: a response, the end of
	 * the call or its failure is at hand. Called on the consumer's thread.
	 * @param timeoutNanos how long to wait at most, negative for no limit
	 * @return {@code false} when the wait ended without any: the time ran out, or
	 * {@link #wake()} was called (since the previous wait)
	 */
	@Override
	public boolean await(long timeoutNanos) {
		if (this.next != null || this.finished) {
			return true;
		}
		Object head;
		try {
			head = (timeoutNanos < 0) ? this.queue.take() : this.queue.poll(timeoutNanos, TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			ClientCallStreamObserver<VStreamRequest> call = this.call;
			if (call != null) {
				call.cancel("Thread interrupted", ex);
			}
			Thread.currentThread().interrupt();
			throw Status.CANCELLED.withDescription("Thread interrupted").withCause(ex).asRuntimeException();
		}
		if (head == null) {
			return false;
		}
		if (head == WAKE) {
			this.wakeQueued.set(false);
			return false;
		}
		if (head instanceof VStreamResponse) {
			this.queuedResponses.decrementAndGet();
		}
		this.next = head;
		return true;
	}

	/**
	 * End a wait in {@link #await(long)} (or the next one), from any thread; the call
	 * goes on. Responses queued before are taken first.
	 */
	@Override
	public void wake() {
		if (this.wakeQueued.compareAndSet(false, true)) {
			// Never blocks: the queue keeps a place for the one wake-up.
			this.queue.add(WAKE);
		}
	}

	@Override
	public boolean isResponseWaiting() {
		return this.next instanceof VStreamResponse || this.queuedResponses.get() > 0;
	}

	/** Responses requested from vtgate and not yet taken (for tests). */
	int outstanding() {
		return this.outstanding;
	}

	/**
	 * Notes the wire size of each response as gRPC hands it over: its streams know their
	 * length, so this costs nothing, where asking the parsed message for its size walks
	 * every row.
	 */
	private final class SizeNoting implements Marshaller<VStreamResponse> {

		private final Marshaller<VStreamResponse> delegate;

		SizeNoting(Marshaller<VStreamResponse> delegate) {
			this.delegate = delegate;
		}

		@Override
		public InputStream stream(VStreamResponse value) {
			return this.delegate.stream(value);
		}

		@Override
		public VStreamResponse parse(InputStream stream) {
			int size;
			try {
				size = stream.available();
			}
			catch (IOException ex) {
				size = 0;
			}
			ResponseStream.this.large = size >= LARGE_RESPONSE;
			return this.delegate.parse(stream);
		}

	}

}
