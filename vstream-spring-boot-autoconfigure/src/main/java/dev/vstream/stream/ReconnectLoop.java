package dev.vstream.stream;

import dev.vstream.offset.PositionConflictException;
import dev.vstream.position.LogSafeText;
import dev.vstream.position.StreamPosition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.backoff.BackOffExecution;

/**
 * The body of a stream's thread: one {@link StreamSession} after another until the stream
 * stops. A broken connection reconnects from the handled position with the reconnect
 * back-off (started over after a healthy connection), unless
 * {@link StreamFailureClassifier} says retrying cannot help; an unavailable offset store
 * is retried with the same back-off without taking anything further from vtgate; a
 * position save refused because another instance saved first stands by
 * ({@link ConflictStandby}); a reshard journal handed to a {@link ReshardHandler} stops
 * the stream; anything else fails it. Each way out saves what was handled, or rolls back
 * what cannot be saved.
 *
 * <p>
 * Concurrency: runs on the stream's thread only; stops when the container's running flag
 * drops, and every wait here ends on stop.
 */
final class ReconnectLoop implements Runnable {

	private static final Log logger = LogFactory.getLog(ReconnectLoop.class);

	private final DefaultVStreamContainer container;

	private final StreamStatus status;

	private final Checkpointer checkpointer;

	private final ConflictStandby conflictStandby;

	private final StreamFailureClassifier failures;

	/**
	 * The reconnect back-off of this run, {@code null} until needed and after a healthy
	 * connection.
	 */
	private @Nullable BackOffExecution backOff;

	ReconnectLoop(DefaultVStreamContainer container) {
		this.container = container;
		this.status = container.status();
		this.checkpointer = container.checkpointer();
		this.conflictStandby = new ConflictStandby(container.getSettings().reconnectBackOff());
		this.failures = new StreamFailureClassifier(container.getId(),
				new StartupChecks(container.getId(), container.channel())::keyspaceMissing,
				(description) -> FilterRefusals.message(description, container.getEndpoints()));
	}

	private String id() {
		return this.container.getId();
	}

	@Override
	public void run() {
		StreamSession session = null;
		// Why a stop left the transaction in hand unfinished, if it did.
		String unfinished = null;
		while (this.container.isRunning()) {
			this.container.awaitResume(() -> {
			});
			if (!this.container.isRunning()) {
				break;
			}
			session = this.container.newSession();
			try {
				// What was handled before the offset store failed is saved before
				// anything new is taken.
				this.checkpointer.saveIfDue(true);
				session.stream();
				if (!this.container.isRunning()) {
					unfinished = unfinished(session, "vtgate ended the stream before the rest of it arrived");
					if (unfinished == null) {
						// A graceful stop between transactions delivers the buffered
						// batches, then saves.
						session.flushAndSave();
					}
					break;
				}
				throw Status.UNAVAILABLE.withDescription("vtgate ended the stream").asRuntimeException();
			}
			catch (OffsetStoreUnavailableException ex) {
				if (!this.container.isRunning()) {
					unfinished = unfinished(session, ex.getMessage());
					break;
				}
				session.abandon();
				long delay = nextDelay();
				if (delay == BackOffExecution.STOP) {
					fail(new VStreamException("Stream '" + id() + "' gave up waiting for its offset store ("
							+ "vstream.reconnect.max-elapsed-time): " + ex.getMessage(), ex));
					return;
				}
				waitToRetry(ex, delay,
						ex.getMessage() + ". Nothing further is taken from vtgate until a save "
								+ "succeeds; retrying in " + delay + " ms from " + this.checkpointer.getPosition()
								+ ". Check that the offset store is up and reachable.");
			}
			catch (StatusRuntimeException ex) {
				if (!this.container.isRunning()) {
					unfinished = unfinished(session,
							"vtgate's stream broke (" + describe(ex.getStatus()) + ") before the rest of it arrived");
					break;
				}
				session.abandon();
				VStreamException permanent = this.failures.permanentFailure(ex);
				if (permanent != null) {
					finish(session);
					fail(permanent);
					return;
				}
				if (session.wasHealthy()) {
					this.backOff = null;
				}
				long delay = nextDelay();
				if (delay == BackOffExecution.STOP) {
					finish(session);
					fail(new VStreamException("Stream '" + id() + "' gave up reconnecting: " + describe(ex.getStatus()),
							ex));
					return;
				}
				// Only vtgate failures: an offset store outage has its own time
				// (OffsetStoreWatch).
				this.status.reconnecting(this.container.getClock().instant());
				this.status.reconnects.incrementAndGet();
				this.container.getMonitor().reconnecting(this.container, ex.getStatus());
				this.container
					.publish(new VStreamReconnectingEvent(this.container, ex, delay, this.status.reconnects.get()));
				waitToRetry(ex, delay,
						"Stream '" + id() + "' broke (" + describe(ex.getStatus()) + ") on vtgate "
								+ this.container.channel().authority() + "; reconnecting in " + delay + " ms from "
								+ this.checkpointer.getPosition());
			}
			catch (ReshardJournals.ReshardSignal signal) {
				finish(session);
				try {
					signal.handler().resharded(this.container, signal.journal());
				}
				catch (RuntimeException ex) {
					fail(ex);
					return;
				}
				this.container.reshardedStop();
				this.status.setState(StreamState.STOPPED);
				logger.info("Stream '" + id() + "' stopped at the reshard journal; position "
						+ this.checkpointer.getPosition());
				return;
			}
			catch (PositionConflictException ex) {
				session.abandon();
				if (!standBy(ex)) {
					return;
				}
			}
			catch (ListenerInvoker.RetriesStopped ex) {
				// Asked to stop while a listener's retries were waiting: the change comes
				// again.
				session.abandon();
				break;
			}
			catch (RuntimeException ex) {
				session.abandon();
				finish(session);
				fail(ex);
				return;
			}
		}
		if (session != null) {
			if (session.isInTransaction() || session.isBuffering()) {
				// A transaction left unfinished (or a change given up in its retry
				// back-off), and batches not delivered, come again whole on the next
				// start: the position is before them, and so must the listeners' work
				// be.
				session.abandon();
			}
			finish(session);
			if (unfinished != null) {
				logger.warn("Stream '" + id() + "' stopped in the middle of a transaction: " + unfinished
						+ ". The transaction comes again whole on the next start, which resumes from "
						+ this.checkpointer.getSavedPosition()
						+ ((this.container.getContainerOptions().getTransactionManager() != null)
								? "; the listeners' work since that position was rolled back"
								: "; its changes handled so far are delivered again"));
			}
		}
		this.status.connected();
		this.status.setState(StreamState.STOPPED);
		logger.info("Stream '" + id() + "' stopped at " + this.checkpointer.getPosition());
	}

	/** A status from vtgate, fit for a log line: its code and its escaped description. */
	private static String describe(Status status) {
		return status.getCode() + ": " + LogSafeText.of(status.getDescription(), 2000);
	}

	/**
	 * Why a stop ended a session in the middle of a transaction.
	 * @param session the session the stop ended
	 * @param otherwise the reason unless the stop timeout ran out
	 * @return the reason, {@code null} when no transaction was in hand
	 */
	private @Nullable String unfinished(StreamSession session, @Nullable String otherwise) {
		if (!session.isInTransaction()) {
			return null;
		}
		// Once the stop timeout ran out it also cancels the call: a call that broke then
		// was ended by it.
		if (session.isStopTimedOut() || this.container.stopNanosLeft() <= 0) {
			return "the rest of it did not arrive within vstream.stop-timeout ("
					+ this.container.getContainerOptions().getStopTimeout().toMillis() + " ms)";
		}
		return otherwise;
	}

	/**
	 * The next delay of the reconnect back-off, which vtgate failures and offset store
	 * failures share: it starts over only after a healthy connection.
	 * @return the delay in milliseconds, or {@link BackOffExecution#STOP} once
	 * {@code vstream.reconnect.max-elapsed-time} ran out
	 */
	private long nextDelay() {
		BackOffExecution backOff = this.backOff;
		if (backOff == null) {
			backOff = this.container.getSettings().reconnectBackOff().start();
			this.backOff = backOff;
		}
		return backOff.nextBackOff();
	}

	/** Show why the stream waits, say it in the log, and wait (a stop ends the wait). */
	private void waitToRetry(Throwable cause, long delay, String warning) {
		this.status.setLastError(cause);
		this.status.setState(StreamState.RECONNECTING);
		logger.warn(warning);
		this.container.sleep(delay);
	}

	/**
	 * Another instance saved this stream's position first: the session's work was rolled
	 * back with the refused save. Stand by, then carry on from the stored position, so
	 * that the position never moves backwards and whichever instance keeps running ends
	 * up streaming.
	 * @return whether the stream carries on (false: it failed)
	 */
	private boolean standBy(PositionConflictException conflict) {
		StreamPosition saved = this.checkpointer.getSavedPosition();
		this.checkpointer.startFrom(saved, saved);
		this.status.reconnecting(this.container.getClock().instant());
		this.status.setLastError(conflict);
		this.status.setState(StreamState.RECONNECTING);
		ConflictStandby standby = this.conflictStandby;
		this.container.sleep(
				standby.standBy(conflict, saved, this.container.getContainerOptions().getTransactionManager() != null));
		if (this.container.isRunning()) {
			try {
				this.container.resolveStart();
			}
			catch (RuntimeException ex) {
				fail(ex);
				return false;
			}
			standby.resumed(this.checkpointer.getSavedPosition());
		}
		return true;
	}

	/**
	 * Save the last handled position, so that a restart repeats as little as possible.
	 */
	private void finish(StreamSession session) {
		try {
			this.checkpointer.saveIfDue(true);
		}
		catch (RuntimeException ex) {
			logger.error("Stream '" + id() + "' could not save its position " + this.checkpointer.getPosition()
					+ " on the way out; it resumes from " + this.checkpointer.getSavedPosition(), ex);
			// The save did not commit: neither may the work it was to cover.
			session.abandon();
		}
	}

	private void fail(Throwable ex) {
		this.status.connected();
		this.status.setLastError(ex);
		this.status.setState(StreamState.FAILED);
		this.container.stopped();
		this.container.publish(new VStreamFailedEvent(this.container, ex));
		logger.error("Stream '" + id() + "' stopped with an error; its position stays at "
				+ this.checkpointer.getPosition() + " so nothing is lost once it is restarted", ex);
	}

}
