package dev.vstream.stream;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.position.StreamPosition;
import io.grpc.Context;
import io.grpc.Status;
import io.vitess.proto.Vtgate.VStreamRequest;
import io.vitess.proto.Vtgate.VStreamResponse;
import org.jspecify.annotations.Nullable;

/**
 * One connection to vtgate: sends the request from the handled position, pulls responses
 * a few at a time (see {@link ResponseStream}) while the stream runs and is not paused,
 * and hands them to its {@link EventDispatcher}. A reconnect starts a new session.
 *
 * <p>
 * A stop ends the session between transactions: at once when none is in hand, else once
 * the rest of the transaction in hand has been read and handled, or once the container's
 * stop timeout ran out ({@link #isStopTimedOut()}). The call is cancelled when the
 * session ends, and at the latest when the stop timeout runs out, also while a listener
 * call holds the stream's thread.
 *
 * <p>
 * Concurrency: runs on the stream's thread. A caller's {@code stop()} wakes it from a
 * wait for the next response ({@link #stopRequested()}); a change being handled is
 * finished first.
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

	private boolean stopTimedOut;

	private volatile @Nullable VStreamResponses responses;

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
		this.dispatcher.connecting(from);
		VStreamSettings settings = this.container.getSettings();
		// Looked up at each connect: a reconnect after a schema change asks for what the
		// table has now.
		boolean autoProject = this.container.getContainerOptions().isAutoProject();
		Map<String, Map<String, RuleFilters.TableRule>> rules = VStreamRequestFactory.rules(this.endpoints,
				this.container.keyspaces()::keyspaceOf, this.container.getKeyspaces(), (keyspace, table) -> autoProject
						? VtgateQueries.columns(this.container.channel(), keyspace, table) : null);
		this.dispatcher.useRules(rules);
		// Recomputed at each connect from the handled position: a table whose copy a
		// broken connection cut off is copied on.
		TableCoverage coverage = TableCoverage.of(from, StreamKeyspaces.tables(rules), settings,
				this.container.getContainerOptions().isCopyNewTables());
		this.dispatcher.useCoverage(coverage);
		List<VStreamRequest> requests = VStreamRequestFactory.requests(settings,
				VStreamRequestFactory.calls(settings, rules, coverage.added()), from);
		Context.CancellableContext context = Context.current().withCancellation();
		this.call = context;
		try {
			context.run(() -> {
				this.status.setState((from.isCopying() || coverage.isCopyingNewTables()) ? StreamState.COPYING
						: StreamState.STARTING);
				VStreamResponses responses = (requests.size() == 1)
						? new ResponseStream(this.container.channel(), requests.get(0), RESPONSES_AHEAD,
								this::connected)
						: new MergedResponses(this.container.channel(), requests, RESPONSES_AHEAD, this::connected);
				// Published before the running flag is read: a stop either sees it and
				// wakes it, or is seen by nextResponse.
				this.responses = responses;
				this.dispatcher.setResponseWaiting(responses::isResponseWaiting);
				StreamEvents.IdleWatch idle = this.container.events().watch(this.status.changesHandled.get());
				// Paused after the response arrived: it waits, unhandled, for the resume.
				while (nextResponse(responses) && resumed()) {
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
					if (!this.dispatcher.isInTransaction()) {
						String stalled = this.container.positionGuard().takeReconnectReason();
						if (stalled != null) {
							throw Status.UNAVAILABLE.withDescription(stalled).asRuntimeException();
						}
					}
					if (idle != null) {
						Duration idleTime = idle.check(this.status.changesHandled.get());
						if (idleTime != null) {
							this.container.publish(new VStreamIdleEvent(this.container, idleTime));
						}
					}
				}
			});
		}
		finally {
			this.responses = null;
			this.call = null;
			context.cancel(null);
		}
	}

	/**
	 * Wait for the next response: while the stream runs, for as long as it takes (making
	 * a save put off while the stream kept up when it comes due); once it is asked to
	 * stop, only for the rest of a transaction in hand, and only within the stop timeout.
	 * @return whether a response is at hand; {@code false} when vtgate ended the call or
	 * the session stops here (a failed call throws its status)
	 */
	private boolean nextResponse(VStreamResponses responses) {
		while (true) {
			if (this.container.isRunning()) {
				long putOff = this.dispatcher.isInTransaction() ? -1 : this.checkpointer.putOffNanosLeft();
				if (responses.await(putOff)) {
					return responses.hasNext();
				}
				if (putOff >= 0) {
					// Nothing arrived before the save put off was due (or a stop woke
					// the wait): make it now.
					this.checkpointer.savePutOff();
				}
				// Woken by a stop, or the save made: look again.
				continue;
			}
			if (!this.dispatcher.isInTransaction()) {
				return false;
			}
			long left = this.container.stopNanosLeft();
			if (left > 0 && responses.await(left)) {
				return responses.hasNext();
			}
			if (this.container.stopNanosLeft() <= 0) {
				this.stopTimedOut = true;
				return false;
			}
		}
	}

	/**
	 * Called by another thread's stop: ends a wait for the next response, and ends the
	 * call once the stop timeout ran out, so that a listener that hangs does not keep it
	 * open in vtgate (nor the channel from shutting down).
	 */
	void stopRequested() {
		VStreamResponses current = this.responses;
		if (current != null) {
			current.wake();
		}
		Context.CancellableContext context = this.call;
		long left = this.container.stopNanosLeft();
		if (context != null && left < Long.MAX_VALUE) {
			CompletableFuture.delayedExecutor(Math.max(0, left), TimeUnit.NANOSECONDS)
				.execute(() -> context.cancel(null));
		}
	}

	/**
	 * @return whether the session stopped because the rest of the transaction in hand did
	 * not arrive within the stop timeout
	 */
	boolean isStopTimedOut() {
		return this.stopTimedOut;
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

	/**
	 * @return whether changes wait in a batch listener's buffer
	 */
	boolean isBuffering() {
		return this.dispatcher.isBuffering();
	}

	/**
	 * A graceful stop between transactions: see {@link EventDispatcher#flushAndSave()}.
	 */
	void flushAndSave() {
		this.dispatcher.flushAndSave();
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

	/**
	 * Wait while paused, between transactions only.
	 * @return whether to handle the response at hand: always in the middle of a
	 * transaction, which a stop lets finish, else only while the stream runs
	 */
	private boolean resumed() {
		if (this.dispatcher.isInTransaction()) {
			return true;
		}
		// Buffered batches are delivered before the pause, and their position saved.
		this.container.awaitResume(this.dispatcher::flushAndSave);
		return this.container.isRunning();
	}

}
