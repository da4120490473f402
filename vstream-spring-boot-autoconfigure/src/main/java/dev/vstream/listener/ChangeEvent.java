package dev.vstream.listener;

import java.time.Instant;

import dev.vstream.mapping.TableSchema;
import dev.vstream.stream.StreamPosition;
import org.jspecify.annotations.Nullable;

/**
 * One row change as it comes off the stream, decoded but not yet mapped to any listener type.
 * Each listener maps the values to its own type.
 *
 * @param schema the table's columns, from the last FIELD event of that shard
 * @param op the operation
 * @param before decoded before image, {@code null} for inserts
 * @param after decoded after image, {@code null} for deletes
 * @param keyspace keyspace
 * @param shard shard
 * @param position the position of the enclosing transaction, when known
 * @param commitTime binlog timestamp of the change; {@code null} for rows of the copy phase
 */
public record ChangeEvent(TableSchema schema, Operation op, Object @Nullable [] before, Object @Nullable [] after,
		String keyspace, String shard, @Nullable StreamPosition position, @Nullable Instant commitTime) {

	/**
	 * The table name, without keyspace.
	 * @return the table
	 */
	public String table() {
		return this.schema.table();
	}

	@Override
	public String toString() {
		return this.op + " " + this.keyspace + "/" + this.shard + " " + table() + " at " + this.position;
	}

}
