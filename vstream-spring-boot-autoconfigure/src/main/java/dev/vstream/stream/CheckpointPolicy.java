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
 * since the last save, so that one save covers the transactions that arrived together.
 * While the stream keeps up (nothing waiting), saves are at least
 * {@code groupMinInterval} apart: a save due sooner is put off until that much passed
 * since the last one, and made then whether or not more arrives; after a quieter spell it
 * happens at once, and always with a transaction manager (the listeners' transaction is
 * not kept open between transactions, where a broken call would roll it back). A crash
 * then repeats at most the larger of the two bounds' transactions under load, the
 * transactions of the last {@code groupMinInterval} otherwise; {@code groupTransactions}
 * of 1 and a zero {@code groupMinInterval} turn grouping off.
 *
 * @param transactions save once this many transactions were handled since the last save
 * @param interval save once this long passed since the last save (checked as events
 * arrive); zero for no time limit
 * @param groupTransactions while behind, a due save waits until this many transactions
 * are unsaved; 1 for no grouping
 * @param groupInterval while behind, a due save waits at most this long since the last
 * save
 * @param groupMinInterval while the stream keeps up, the least time between two saves;
 * zero saves every due transaction at once
 */
public record CheckpointPolicy(int transactions, Duration interval, int groupTransactions, Duration groupInterval,
		Duration groupMinInterval) {

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
		if (groupMinInterval.isNegative()) {
			throw new IllegalArgumentException("groupMinInterval must not be negative, was " + groupMinInterval);
		}
	}

	/**
	 * A policy whose saves, while the stream keeps up, happen as soon as they are due.
	 * @param transactions save once this many transactions were handled since the last
	 * save
	 * @param interval save once this long passed since the last save; zero for no time
	 * limit
	 * @param groupTransactions while behind, a due save waits until this many
	 * transactions are unsaved; 1 for no grouping
	 * @param groupInterval while behind, a due save waits at most this long since the
	 * last save
	 */
	public CheckpointPolicy(int transactions, Duration interval, int groupTransactions, Duration groupInterval) {
		this(transactions, interval, groupTransactions, groupInterval, Duration.ZERO);
	}

	/**
	 * A policy without group commit: every due save happens at once.
	 * @param transactions save once this many transactions were handled since the last
	 * save
	 * @param interval save once this long passed since the last save; zero for no time
	 * limit
	 */
	public CheckpointPolicy(int transactions, Duration interval) {
		this(transactions, interval, 1, Duration.ZERO, Duration.ZERO);
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

	/**
	 * Whether a due save is put off although the stream keeps up, because the last one
	 * was too recent.
	 * @param unsavedTransactions transactions handled since the last save
	 * @param nanosSinceSave time since the last save
	 * @return whether to put it off until {@code groupMinInterval} passed since the last
	 * save
	 */
	boolean putsOff(int unsavedTransactions, long nanosSinceSave) {
		return unsavedTransactions < this.groupTransactions && nanosSinceSave < this.groupMinInterval.toNanos();
	}

}
