package dev.vstream.stream;

import java.util.Objects;

import dev.vstream.offset.PositionConflictException;
import dev.vstream.position.StreamPosition;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * Paces a stream whose position save was refused because another instance of the same
 * stream saved first ({@link PositionConflictException}): says why, and how long the
 * stream stands by before it carries on from the stored position.
 *
 * <p>
 * The delays follow the stream's reconnect back-off. They start over once the stream
 * saved a position again (it is then the instance that streams), and they never run out:
 * an instance that gave up would leave the stream to nobody once the other instance
 * stops, which in a rolling deploy is exactly what happens next.
 */
final class ConflictStandby {

	private static final Log logger = LogFactory.getLog(VStreamContainer.class);

	private static final long FALLBACK_DELAY = 1000;

	private final BackOff backOff;

	private @Nullable BackOffExecution execution;

	private @Nullable StreamPosition resumedFrom;

	ConflictStandby(BackOff backOff) {
		this.backOff = backOff;
	}

	/**
	 * Log the conflict and choose how long to stand by.
	 * @param conflict the refused save
	 * @param savedPosition the position the stream saved or loaded last
	 * @param rolledBack whether the stream's uncommitted work was rolled back
	 * @return the delay in milliseconds
	 */
	long standBy(PositionConflictException conflict, @Nullable StreamPosition savedPosition, boolean rolledBack) {
		if (this.execution == null || !Objects.equals(savedPosition, this.resumedFrom)) {
			// First conflict, or this instance saved since it last resumed: it was
			// streaming fine.
			this.execution = this.backOff.start();
		}
		long delay = this.execution.nextBackOff();
		if (delay == BackOffExecution.STOP) {
			this.execution = this.backOff.start();
			delay = this.execution.nextBackOff();
			if (delay == BackOffExecution.STOP) {
				delay = FALLBACK_DELAY;
			}
		}
		logger.warn(conflict.getMessage() + ". This instance " + (rolledBack
				? "rolled back the listeners' work since its last save (it was to be committed with that position), "
				: "") + "stands by for " + delay + " ms, then carries on from the stored position.");
		return delay;
	}

	/**
	 * Record where the stream carries on from after standing by.
	 * @param position the stored position it reloaded
	 */
	void resumed(@Nullable StreamPosition position) {
		this.resumedFrom = position;
	}

}
