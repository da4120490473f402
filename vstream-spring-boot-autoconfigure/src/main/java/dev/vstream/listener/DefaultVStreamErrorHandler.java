package dev.vstream.listener;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.vstream.mapping.RowMappingException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Retries a failed listener call with a {@link BackOff}, then recovers as the listener
 * asks ({@link VStreamListenerEndpoint#getErrorRecovery()}) or as the stream's default
 * says: stop the stream, skip the change, or hand it to a {@link DeadLetterHandler}.
 *
 * <p>
 * A row that cannot be mapped is not retried: mapping it again gives the same result. The
 * waits between retries end as soon as the stream is asked to stop (the change then stays
 * unhandled, and comes again on the next start), so that stopping never waits out a
 * back-off.
 *
 * <p>
 * A listener of {@code List<RowChange<T>>} (a transaction or a batch) is retried with the
 * whole list, and recovered as a whole: all its changes are skipped, or dead-lettered
 * ({@link DeadLetterHandler#handleBatch}), or the stream stops before the first of them.
 */
public class DefaultVStreamErrorHandler implements VStreamErrorHandler {

	private static final Log logger = LogFactory.getLog(DefaultVStreamErrorHandler.class);

	/** How often a retry back-off checks whether the stream stops, in milliseconds. */
	private static final long STOP_CHECK_INTERVAL = 100;

	private final BackOff backOff;

	private final ErrorRecovery defaultRecovery;

	private final @Nullable DeadLetterHandler deadLetterHandler;

	/**
	 * Create a handler that stops the stream without retrying.
	 */
	public DefaultVStreamErrorHandler() {
		this(new FixedBackOff(0, 0), ErrorRecovery.STOP, null);
	}

	/**
	 * Create a handler.
	 * @param backOff the delays between retries of a failed listener call
	 * @param defaultRecovery what to do after the retries, for listeners that do not say
	 * @param deadLetterHandler where {@link ErrorRecovery#DEAD_LETTER} sends changes, may
	 * be {@code null} when no listener uses it
	 */
	public DefaultVStreamErrorHandler(BackOff backOff, ErrorRecovery defaultRecovery,
			@Nullable DeadLetterHandler deadLetterHandler) {
		if (defaultRecovery == ErrorRecovery.DEFAULT) {
			throw new IllegalArgumentException("The default recovery must be STOP, SKIP or DEAD_LETTER");
		}
		if (defaultRecovery == ErrorRecovery.DEAD_LETTER && deadLetterHandler == null) {
			throw new IllegalArgumentException("Recovery DEAD_LETTER needs a DeadLetterHandler");
		}
		this.backOff = backOff;
		this.defaultRecovery = defaultRecovery;
		this.deadLetterHandler = deadLetterHandler;
	}

	@Override
	public void handle(RuntimeException exception, @Nullable ChangeEvent event,
			@Nullable VStreamListenerEndpoint listener, @Nullable Runnable retry) {
		handle(exception, event, listener, retry, () -> false);
	}

	@Override
	public void handle(RuntimeException exception, @Nullable ChangeEvent event,
			@Nullable VStreamListenerEndpoint listener, @Nullable Runnable retry, BooleanSupplier stopped) {
		RuntimeException last = retried(exception, (event != null) ? event.toString() : "a change", listener, retry,
				stopped);
		if (last == null) {
			return;
		}
		if (event == null || listener == null) {
			// Without a listener there is nobody to skip or dead-letter for: keep the
			// change.
			throw last;
		}
		switch (recoveryFor(listener)) {
			case SKIP -> logger.warn("Skipped " + event + " for listener '" + listener.getId() + "' after it failed: "
					+ last.getMessage(), last);
			case DEAD_LETTER -> deadLetterHandler(listener, last).handle(event, listener, last);
			default -> throw last;
		}
	}

	/**
	 * Retry the whole call, then recover as for a single change: skip all its changes, or
	 * hand them all to {@link DeadLetterHandler#handleBatch}, or stop the stream before
	 * the first of them.
	 */
	@Override
	public void handleBatch(RuntimeException exception, List<ChangeEvent> events, VStreamListenerEndpoint listener,
			Runnable retry, BooleanSupplier stopped) {
		String what = "a batch of " + events.size() + " changes from " + events.get(0) + " to "
				+ events.get(events.size() - 1);
		RuntimeException last = retried(exception, what, listener, retry, stopped);
		if (last == null) {
			return;
		}
		switch (recoveryFor(listener)) {
			case SKIP -> logger.warn("Skipped " + what + " for listener '" + listener.getId() + "' after it failed: "
					+ last.getMessage(), last);
			case DEAD_LETTER -> deadLetterHandler(listener, last).handleBatch(events, listener, last);
			default -> throw last;
		}
	}

	/**
	 * Retry a failed call with the back-off.
	 * @return {@code null} when a retry succeeded, else the last failure
	 * @throws RuntimeException the last failure when the stream stops during the back-off
	 */
	private @Nullable RuntimeException retried(RuntimeException exception, String what,
			@Nullable VStreamListenerEndpoint listener, @Nullable Runnable retry, BooleanSupplier stopped) {
		RuntimeException last = exception;
		if (retry == null || exception instanceof RowMappingException) {
			return last;
		}
		BackOffExecution execution = this.backOff.start();
		long delay;
		while ((delay = execution.nextBackOff()) != BackOffExecution.STOP) {
			if (!pause(delay, stopped)) {
				logger
					.info("Stopped retrying " + what + " for listener '" + ((listener != null) ? listener.getId() : "?")
							+ "': the stream is stopping; the change comes again on the next start");
				throw last;
			}
			try {
				retry.run();
				return null;
			}
			catch (RuntimeException again) {
				last = again;
			}
		}
		return last;
	}

	private DeadLetterHandler deadLetterHandler(VStreamListenerEndpoint listener, RuntimeException last) {
		DeadLetterHandler handler = this.deadLetterHandler;
		if (handler == null) {
			throw new IllegalStateException("Listener '" + listener.getId()
					+ "' recovers with DEAD_LETTER but the application has no DeadLetterHandler bean", last);
		}
		return handler;
	}

	private ErrorRecovery recoveryFor(@Nullable VStreamListenerEndpoint listener) {
		if (listener != null && listener.getErrorRecovery() != ErrorRecovery.DEFAULT) {
			return listener.getErrorRecovery();
		}
		return this.defaultRecovery;
	}

	/**
	 * Sleep, waking early when the stream stops: in short slices, as spring-kafka's
	 * {@code ListenerUtils.stoppableSleep} does, since the stop signal is a plain
	 * condition.
	 * @return whether the whole delay passed (false: stopped or interrupted)
	 */
	private static boolean pause(long millis, BooleanSupplier stopped) {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		long remaining = millis;
		while (remaining > 0) {
			if (stopped.getAsBoolean()) {
				return false;
			}
			try {
				Thread.sleep(Math.min(remaining, STOP_CHECK_INTERVAL));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
			// Rounded up: a retry never comes before its delay.
			remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime() + 999_999);
		}
		return !stopped.getAsBoolean();
	}

}
