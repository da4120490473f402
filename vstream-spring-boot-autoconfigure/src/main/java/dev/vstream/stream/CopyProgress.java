package dev.vstream.stream;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * How far the copy phase of one table is: the rows vtgate copied so far, against an
 * estimate of the table's size.
 *
 * @param keyspace the keyspace
 * @param table the table
 * @param completed whether the table's copy is finished (its last primary key left the
 * position of every shard, or vtgate ended the copy phase)
 * @param rowsCopied the rows copied since this start of the stream, over all shards: a
 * start that resumes a copy (a saved {@code table_p_ks}) counts from the resumed primary
 * key on
 * @param estimatedRows the table's size as the database estimates it (the sum over the
 * streamed shards of {@code information_schema.tables.table_rows}, InnoDB's estimate from
 * index statistics, which can be off by tens of percent), asked for when the copy of the
 * table began; {@code null} when vtgate could not tell
 * @param rowsPerSecond rows copied per second over the last half minute, as of the last
 * copied batch; zero before the first second
 * @param remaining the time left at that rate for the rows the estimate leaves;
 * {@link Duration#ZERO} once completed, {@code null} when not known (no estimate, no rate
 * yet, or more rows copied than estimated)
 * @param startedAt when the first copied row of the table arrived in this start
 * @param completedAt when the copy was seen to finish, {@code null} before
 * @param resumed whether this start resumed a copy of the table that an earlier run
 * began: {@code rowsCopied} then misses the rows copied before
 */
public record CopyProgress(String keyspace, String table, boolean completed, long rowsCopied,
		@Nullable Long estimatedRows, double rowsPerSecond, @Nullable Duration remaining, Instant startedAt,
		@Nullable Instant completedAt, boolean resumed) {

	/**
	 * The part of the estimate copied, in percent: 100 once completed, at most 99 before
	 * (the estimate can be too low).
	 * @return the percentage, {@code null} without an estimate
	 */
	public @Nullable Integer percent() {
		if (this.completed) {
			return 100;
		}
		Long estimate = this.estimatedRows;
		if (estimate == null) {
			return null;
		}
		if (estimate <= 0) {
			return 99;
		}
		return (int) Math.min(99, this.rowsCopied * 100 / estimate);
	}

	/**
	 * @return {@code keyspace.table}
	 */
	public String qualifiedName() {
		return this.keyspace + "." + this.table;
	}

}
