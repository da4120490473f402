package dev.vstream.stream;

import java.time.Duration;

/**
 * When a stream saves its position. Saving after every transaction bounds the changes
 * delivered again after a crash to the transaction in hand; saving less often is faster
 * and bounds them to {@code transactions} transactions or {@code interval} worth of
 * changes, whichever comes first. A graceful stop always saves the last handled position.
 *
 * @param transactions save once this many transactions were handled since the last save
 * @param interval save once this long passed since the last save (checked as events
 * arrive); zero for no time limit
 */
public record CheckpointPolicy(int transactions, Duration interval) {

	/** Save after every transaction. */
	public static final CheckpointPolicy EVERY_TRANSACTION = new CheckpointPolicy(1, Duration.ZERO);

	public CheckpointPolicy {
		if (transactions < 1) {
			throw new IllegalArgumentException("transactions must be at least 1, was " + transactions);
		}
		if (interval.isNegative()) {
			throw new IllegalArgumentException("interval must not be negative, was " + interval);
		}
	}

}
