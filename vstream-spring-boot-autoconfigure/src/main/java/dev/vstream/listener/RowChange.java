package dev.vstream.listener;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import dev.vstream.position.StreamPosition;
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
 * @param position the stream position reached once the transaction of this change is
 * handled; resuming from it delivers the changes after that transaction. {@code null} for
 * a change that arrived before the end of its transaction (vtgate splits copy-phase
 * transactions over several responses); transaction listeners
 * ({@code List<RowChange<T>>}) always get it
 * @param commitTime when the change was written to the binary log (second precision);
 * {@code null} for rows of the copy phase, which are read from the tables rather than
 * from the binary log
 * @param absentColumns the columns the after image does not carry, empty for a full
 * image: with {@code binlog_row_image=MINIMAL} or {@code NOBLOB} (Vitess's
 * {@code data_columns}), and the columns of {@code partialJson}. Their properties are
 * {@code null} (or the primitive default) in a record, not set in a JavaBean and have no
 * entry in a {@code Map}: an absent column is unknown, not SQL NULL. Vitess reports
 * presence for the after image only; a partial before image has {@code null} for its
 * missing columns (the primary key is always present)
 * @param partialJson partial JSON updates (MySQL's
 * {@code binlog_row_value_options=PARTIAL_JSON}, Vitess's {@code json_partial_values}):
 * column to the update expression Vitess sends,
 * {@code JSON_INSERT|JSON_REPLACE|JSON_REMOVE(%s, '$.path', value)} where {@code %s}
 * stands for the column's previous document; empty when there are none
 * @param <T> the row type
 */
public record RowChange<T>(Operation op, @Nullable T before, @Nullable T after, String keyspace, String shard,
		String table, @Nullable StreamPosition position, @Nullable Instant commitTime, Set<String> absentColumns,
		Map<String, String> partialJson) {

	/**
	 * Create a change of full row images.
	 * @param op what happened to the row
	 * @param before the row before the change; {@code null} for inserts
	 * @param after the row after the change; {@code null} for deletes
	 * @param keyspace the keyspace of the row
	 * @param shard the shard the row lives on
	 * @param table the table name (without keyspace)
	 * @param position the stream position reached once the transaction of this change is
	 * handled
	 * @param commitTime when the change was written to the binary log
	 */
	public RowChange(Operation op, @Nullable T before, @Nullable T after, String keyspace, String shard, String table,
			@Nullable StreamPosition position, @Nullable Instant commitTime) {
		this(op, before, after, keyspace, shard, table, position, commitTime, Set.of(), Map.of());
	}

	/**
	 * Whether the after image carries a column's value (SQL NULL included).
	 * @param column the column name
	 * @return {@code false} when a partial image left the column out
	 */
	public boolean isPresent(String column) {
		return !this.absentColumns.contains(column);
	}

	/**
	 * Whether the after image leaves columns out.
	 * @return {@code true} for a partial row image or a partial JSON update
	 */
	public boolean isPartial() {
		return !this.absentColumns.isEmpty();
	}

	/**
	 * The current state of the row: the after image, or the before image for a delete.
	 * @return the row image the change leaves behind, or the deleted row
	 */
	public T row() {
		T row = (this.op == Operation.DELETE) ? this.before : this.after;
		if (row == null) {
			throw new IllegalStateException(
					"Row change has no " + ((this.op == Operation.DELETE) ? "before" : "after") + " image: " + this);
		}
		return row;
	}

}
