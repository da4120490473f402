package dev.vstream.stream;

import java.time.Duration;

/**
 * When a stream saves its position. Saving after every transaction bounds the changes
 * delivered again after a crash to the transaction in hand; saving less often is faster
 * and bounds them to {@code transactions} transactions or {@code interval} worth of
 * changes, whichever comes first. A graceful stop always saves the last handled position.
 *
 * <p>
 * Group commit: while the stream is behind (when a transaction ends, more of vtgate's
 * events are already received and waiting), a save that is due waits until
 * {@code groupTransactions} transactions are unsaved or {@code groupInterval} passed
 * since the last save, so that one save covers the transactions that arrived together. At
 * idle nothing waits and every due save happens at once. A crash then repeats at most the
 * larger of the two bounds' transactions; {@code groupTransactions} of 1 turns grouping
 * off.
 *
 * @param transactions save once this many transactions were handled since the last save
 * @param interval save once this long passed since the last save (checked as events
 * arrive); zero for no time limit
 * @param groupTransactions while behind, a due save waits until this many transactions
 * are unsaved; 1 for no grouping
 * @param groupInterval while behind, a due save waits at most this long since the last
 * save
 */
public record CheckpointPolicy(int transactions, Duration interval, int groupTransactions, Duration groupInterval) {

	/** Save after every transaction. */
	public static final CheckpointPolicy EVERY_TRANSACTION = new CheckpointPolicy(1, Duration.ZERO);

	public CheckpointPolicy {
		if (transactions < 1) {
			throw new IllegalArgumentException("transactions must be at least 1, was " + transactions);
		}
		if (interval.isNegative()) {
			throw new IllegalArgumentException("interval must not be negative, was " + interval);
		}
		if (groupTransactions < 1) {
			throw new IllegalArgumentException("groupTransactions must be at least 1, was " + groupTransactions);
		}
		if (groupInterval.isNegative()) {
			throw new IllegalArgumentException("groupInterval must not be negative, was " + groupInterval);
		}
	}

	/**
	 * A policy without group commit: every due save happens at once.
	 * @param transactions save once this many transactions were handled since the last
	 * save
	 * @param interval save once this long passed since the last save; zero for no time
	 * limit
	 */
	public CheckpointPolicy(int transactions, Duration interval) {
		this(transactions, interval, 1, Duration.ZERO);
	}

	/**
	 * Whether a due save waits for more transactions because the stream is behind.
	 * @param unsavedTransactions transactions handled since the last save
	 * @param nanosSinceSave time since the last save
	 * @return whether to wait
	 */
	boolean groups(int unsavedTransactions, long nanosSinceSave) {
		return unsavedTransactions < this.groupTransactions && nanosSinceSave < this.groupInterval.toNanos();
	}

}
