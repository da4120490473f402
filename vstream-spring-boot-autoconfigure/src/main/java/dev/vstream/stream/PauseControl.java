package dev.vstream.stream;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Pause and resume of a stream. Callers ask on their own threads; the stream's thread
 * waits, between transactions only, on the container's lifecycle monitor, which a resume
 * or a stop notifies.
 */
final class PauseControl {

	private static final Log logger = LogFactory.getLog(PauseControl.class);

	private final Supplier<String> id;

	private final Object monitor;

	private final BooleanSupplier running;

	private volatile boolean paused;

	private volatile boolean waiting;

	PauseControl(Supplier<String> id, Object monitor, BooleanSupplier running) {
		this.id = id;
		this.monitor = monitor;
		this.running = running;
	}

	/**
	 * @return whether a pause was asked for and not resumed since
	 */
	boolean isPaused() {
		return this.paused;
	}

	/**
	 * The state to report for the stream thread's own state: {@code PAUSED} while it
	 * waits for a resume, or is asked to pause while it streams. The thread's own state
	 * is kept apart, so that a resume shows where it really is.
	 * @param state the stream thread's own state
	 * @return the state to report
	 */
	StreamState reported(StreamState state) {
		if (this.waiting || (this.paused && this.running.getAsBoolean()
				&& (state == StreamState.STARTING || state == StreamState.COPYING || state == StreamState.STREAMING))) {
			return StreamState.PAUSED;
		}
		return state;
	}

	/** Ask for a pause, under the monitor; see {@link VStreamContainer#pause()}. */
	void pause(Supplier<StreamState> state) {
		synchronized (this.monitor) {
			if (!this.running.getAsBoolean()) {
				throw new IllegalStateException("Stream '" + this.id.get() + "' is not running (" + state.get() + ")");
			}
			this.paused = true;
		}
	}

	/** Carry on after a pause; also forgets a pause asked for before a start. */
	void resume() {
		synchronized (this.monitor) {
			this.paused = false;
			this.monitor.notifyAll();
		}
	}

	/**
	 * Wait while paused, on the stream's thread.
	 * @param beforeWaiting run first (saving the handled position), only when paused
	 * @param position the position, for the log
	 */
	void awaitResume(Runnable beforeWaiting, Supplier<Object> position) {
		if (!this.paused) {
			return;
		}
		beforeWaiting.run();
		synchronized (this.monitor) {
			if (!this.running.getAsBoolean() || !this.paused) {
				return;
			}
			logger.info("Stream '" + this.id.get() + "' paused at " + position.get());
			this.waiting = true;
			try {
				while (this.running.getAsBoolean() && this.paused) {
					this.monitor.wait();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				this.waiting = false;
			}
			logger.info("Stream '" + this.id.get() + "' resumed");
		}
	}

}
