package dev.vstream.listener;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import dev.vstream.mapping.TableSchema;
import dev.vstream.position.LogSafeText;
import dev.vstream.position.StreamPosition;
import org.jspecify.annotations.Nullable;

/**
 * One row change as it comes off the stream, decoded but not yet mapped to any listener
 * type. Each listener maps the values to its own type.
 *
 * @param schema the table's columns, from the last FIELD event of that shard
 * @param op the operation
 * @param before decoded before image, {@code null} for inserts
 * @param after decoded after image, {@code null} for deletes
 * @param keyspace keyspace
 * @param shard shard
 * @param position the position of the enclosing transaction, when known
 * @param commitTime binlog timestamp of the change; {@code null} for rows of the copy
 * phase
 * @param absentColumns columns the after image does not carry (a partial row image, or a
 * partial JSON update), whose values in {@code after} are {@code null}; empty for a full
 * image
 * @param partialJson the partial JSON updates of the after image: column to Vitess's
 * expression ({@code JSON_INSERT|JSON_REPLACE|JSON_REMOVE(%s, '$.path', value)},
 * {@code %s} standing for the column's current document); empty when there are none
 */
public record ChangeEvent(TableSchema schema, Operation op, Object @Nullable [] before, Object @Nullable [] after,
		String keyspace, String shard, @Nullable StreamPosition position, @Nullable Instant commitTime,
		Set<String> absentColumns, Map<String, String> partialJson) {

	/**
	 * Create a change of full row images.
	 * @param schema the table's columns
	 * @param op the operation
	 * @param before decoded before image, {@code null} for inserts
	 * @param after decoded after image, {@code null} for deletes
	 * @param keyspace keyspace
	 * @param shard shard
	 * @param position the position of the enclosing transaction, when known
	 * @param commitTime binlog timestamp of the change; {@code null} for rows of the copy
	 * phase
	 */
	public ChangeEvent(TableSchema schema, Operation op, Object @Nullable [] before, Object @Nullable [] after,
			String keyspace, String shard, @Nullable StreamPosition position, @Nullable Instant commitTime) {
		this(schema, op, before, after, keyspace, shard, position, commitTime, Set.of(), Map.of());
	}

	/**
	 * This change at another position.
	 * @param position the position
	 * @return a copy with the position replaced
	 */
	public ChangeEvent withPosition(@Nullable StreamPosition position) {
		return new ChangeEvent(this.schema, this.op, this.before, this.after, this.keyspace, this.shard, position,
				this.commitTime, this.absentColumns, this.partialJson);
	}

	/**
	 * The table name, without keyspace.
	 * @return the table
	 */
	public String table() {
		return this.schema.table();
	}

	@Override
	public String toString() {
		// Logged when a listener fails: the names come from vtgate.
		return this.op + " " + LogSafeText.of(this.keyspace + "/" + this.shard + " " + table(), 200) + " at "
				+ this.position;
	}

}
