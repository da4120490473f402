package dev.vstream.stream;

import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;

import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.position.StreamPosition;
import io.grpc.Context;
import io.vitess.proto.Vtgate.VStreamRequest;
import io.vitess.proto.Vtgate.VStreamResponse;
import org.jspecify.annotations.Nullable;

/**
 * One connection to vtgate: sends the request from the handled position, pulls responses
 * a few at a time (see {@link ResponseStream}) while the stream runs and is not paused,
 * and hands them to its {@link EventDispatcher}. A reconnect starts a new session.
 *
 * <p>
 * Concurrency: runs on the stream's thread. A caller's {@code stop()} cancels the
 * session's gRPC context ({@link #cancel()}), which ends a wait for the next response; a
 * change being handled is finished first.
 */
final class StreamSession {

	/**
	 * Responses requested from vtgate ahead of the one in hand: enough to spare the
	 * stream a thread hand-off per response, few enough that a slow listener holds the
	 * stream in vtgate.
	 */
	static final int RESPONSES_AHEAD = 16;

	/**
	 * How long a connection must stay up for the reconnect back-off to start over after
	 * it breaks.
	 */
	static final Duration HEALTHY_CONNECTION = Duration.ofSeconds(30);

	private final DefaultVStreamContainer container;

	private final StreamStatus status;

	private final Checkpointer checkpointer;

	private final Collection<VStreamListenerEndpoint> endpoints;

	private final EventDispatcher dispatcher;

	private final long startedNanos = System.nanoTime();

	private boolean receivedAny;

	private volatile Context.@Nullable CancellableContext call;

	StreamSession(DefaultVStreamContainer container) {
		this.container = container;
		this.status = container.status();
		this.checkpointer = container.checkpointer();
		this.endpoints = container.getEndpoints();
		this.dispatcher = new EventDispatcher(container, this.endpoints, container.keyspaces()::keyspaceOf,
				container.getKeyspaces());
	}

	void stream() {
		StreamPosition from = this.checkpointer.getPosition();
		this.container.positionGuard().connecting(from);
		VStreamRequest request = VStreamRequestFactory.request(this.container.getSettings(), this.endpoints, from);
		Context.CancellableContext context = Context.current().withCancellation();
		this.call = context;
		try {
			context.run(() -> {
				this.status.setState(from.isCopying() ? StreamState.COPYING : StreamState.STARTING);
				Iterator<VStreamResponse> responses = new ResponseStream(this.container.channel(), request,
						RESPONSES_AHEAD, this::connected);
				// Paused after hasNext: the response already requested waits, unhandled,
				// for the resume.
				while (this.container.isRunning() && responses.hasNext() && resumed()) {
					VStreamResponse response = responses.next();
					this.container.getMonitor().responseReceived(this.container, response.getEventsCount());
					if (!this.receivedAny) {
						this.receivedAny = true;
						this.status.connected();
						if (!this.checkpointer.getStoreWatch().isFailing()) {
							this.status.setLastError(null);
						}
						if (this.status.getState() == StreamState.STARTING) {
							this.status.setState(StreamState.STREAMING);
						}
					}
					this.dispatcher.handle(response);
				}
			});
		}
		finally {
			this.call = null;
			context.cancel(null);
		}
	}

	/** Called by another thread's stop: ends a wait for the next response. */
	void cancel() {
		Context.CancellableContext current = this.call;
		if (current != null) {
			current.cancel(null);
		}
	}

	/**
	 * Whether the reconnect back-off may start over after this connection: it delivered a
	 * transaction, or stayed up for a while. A connection that vtgate breaks before
	 * either (a response it cannot send, a shard that keeps failing) must not reset the
	 * back-off, or the stream would reconnect at the initial interval for ever.
	 */
	boolean wasHealthy() {
		return this.dispatcher.hasProgressed() || System.nanoTime() - this.startedNanos >= HEALTHY_CONNECTION.toNanos();
	}

	/**
	 * @return whether a transaction came only in part
	 */
	boolean isInTransaction() {
		return this.dispatcher.isInTransaction();
	}

	/** The session ends without success: see {@link EventDispatcher#abandon()}. */
	void abandon() {
		this.dispatcher.abandon();
	}

	/**
	 * The call is established on a connection to vtgate. A stream resumed on an idle
	 * keyspace would otherwise show STARTING until vtgate's first heartbeat. The last
	 * error stays until vtgate's first response confirms the reconnect.
	 */
	private void connected() {
		synchronized (this.container.lifecycleMonitor) {
			if (this.container.isRunning() && this.status.getState() == StreamState.STARTING) {
				this.status.setState(StreamState.STREAMING);
			}
		}
	}

	private boolean resumed() {
		if (!this.dispatcher.isInTransaction()) {
			this.container.awaitResume(() -> this.container.checkpointer().saveIfDue(true));
		}
		return this.container.isRunning();
	}

}
