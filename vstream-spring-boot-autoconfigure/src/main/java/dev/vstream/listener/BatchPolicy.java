package dev.vstream.listener;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * When a batch listener ({@code List<RowChange<T>>} with a batch size or interval) is
 * called: with the changes of whole transactions accumulated across transactions, once
 * {@code maxSize} changes are held or {@code maxInterval} passed since the first of them
 * was held, whichever comes first.
 *
 * <p>
 * A transaction is never split: a batch ends at a transaction's end, and the changes of a
 * transaction that would take a batch past {@code maxSize} go into the next batch. A
 * single transaction with more than {@code maxSize} changes is delivered whole, in a
 * batch of its own that is larger than {@code maxSize}.
 *
 * @param maxSize how many changes a batch holds at most (but see above)
 * @param maxInterval how long the first change of a batch waits for the rest at most
 */
public record BatchPolicy(int maxSize, Duration maxInterval) {

	/** The batch size when only an interval is given. */
	public static final int DEFAULT_SIZE = 1000;

	/** The batch interval when only a size is given. */
	public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

	public BatchPolicy {
		if (maxSize < 1) {
			throw new IllegalArgumentException("maxSize must be at least 1, was " + maxSize);
		}
		if (maxInterval.isNegative() || maxInterval.isZero()) {
			throw new IllegalArgumentException("maxInterval must be positive, was " + maxInterval);
		}
	}

	/**
	 * A policy from what a listener gives, the other bound defaulting to
	 * {@link #DEFAULT_SIZE} or {@link #DEFAULT_INTERVAL}.
	 * @param maxSize the size, {@code null} for the default
	 * @param maxInterval the interval, {@code null} for the default
	 * @return the policy, {@code null} when neither is given (one call per transaction)
	 */
	public static @Nullable BatchPolicy of(@Nullable Integer maxSize, @Nullable Duration maxInterval) {
		if (maxSize == null && maxInterval == null) {
			return null;
		}
		return new BatchPolicy((maxSize != null) ? maxSize : DEFAULT_SIZE,
				(maxInterval != null) ? maxInterval : DEFAULT_INTERVAL);
	}

}
