package dev.vstream.listener;

import java.time.Instant;

import dev.vstream.stream.StreamPosition;
import org.jspecify.annotations.Nullable;

/**
 * One changed row, with its images mapped to the listener's type.
 *
 * @param op what happened to the row
 * @param before the row before the change; {@code null} for inserts
 * @param after the row after the change; {@code null} for deletes
 * @param keyspace the keyspace of the row
 * @param shard the shard the row lives on
 * @param table the table name (without keyspace)
 * @param position the stream position reached once the transaction of this change is handled;
 * resuming from it delivers the changes after that transaction. {@code null} for a change that
 * arrived before the end of its transaction (vtgate splits copy-phase transactions over several
 * responses); transaction listeners ({@code List<RowChange<T>>}) always get it
 * @param commitTime when the change was written to the binary log (second precision); {@code null}
 * for rows of the copy phase, which are read from the tables rather than from the binary log
 * @param <T> the row type
 */
public record RowChange<T>(Operation op, @Nullable T before, @Nullable T after, String keyspace, String shard,
		String table, @Nullable StreamPosition position, @Nullable Instant commitTime) {

	/**
	 * The current state of the row: the after image, or the before image for a delete.
	 * @return the row image the change leaves behind, or the deleted row
	 */
	public T row() {
		T row = (this.op == Operation.DELETE) ? this.before : this.after;
		if (row == null) {
			throw new IllegalStateException("Row change has no " + ((this.op == Operation.DELETE) ? "before" : "after")
					+ " image: " + this);
		}
		return row;
	}

}
