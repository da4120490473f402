package dev.vstream.listener;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import binlogdata.Binlogdata.RowChange.Bitmap;
import dev.vstream.mapping.TableSchema;
import io.vitess.proto.Query;
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
 * @param absentColumns columns the after image does not carry (a partial row image, or a partial
 * JSON update), whose values in {@code after} are {@code null}; empty for a full image
 * @param partialJson the partial JSON updates of the after image: column to Vitess's expression
 * ({@code JSON_INSERT|JSON_REPLACE|JSON_REMOVE(%s, '$.path', value)}, {@code %s} standing for the
 * column's current document); empty when there are none
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
	 * @param commitTime binlog timestamp of the change; {@code null} for rows of the copy phase
	 */
	public ChangeEvent(TableSchema schema, Operation op, Object @Nullable [] before, Object @Nullable [] after,
			String keyspace, String shard, @Nullable StreamPosition position, @Nullable Instant commitTime) {
		this(schema, op, before, after, keyspace, shard, position, commitTime, Set.of(), Map.of());
	}

	/**
	 * Decode a row change of vtgate.
	 * @param schema the table's columns, from the last FIELD event of the shard
	 * @param change the row change
	 * @param keyspace keyspace
	 * @param shard shard
	 * @param position the position of the enclosing transaction, when known
	 * @param commitTime binlog timestamp; {@code null} for rows of the copy phase
	 * @return the decoded change, telling which columns a partial after image leaves out
	 * @throws dev.vstream.mapping.RowMappingException when the row cannot be decoded
	 */
	public static ChangeEvent decode(TableSchema schema, binlogdata.Binlogdata.RowChange change, String keyspace,
			String shard, @Nullable StreamPosition position, @Nullable Instant commitTime) {
		Operation op = !change.hasBefore() ? Operation.INSERT
				: !change.hasAfter() ? Operation.DELETE : Operation.UPDATE;
		Object[] before = change.hasBefore() ? schema.decode(change.getBefore()) : null;
		Object[] after = change.hasAfter() ? schema.decode(change.getAfter()) : null;
		if (after == null || (!change.hasDataColumns() && !change.hasJsonPartialValues())) {
			return new ChangeEvent(schema, op, before, after, keyspace, shard, position, commitTime);
		}
		List<TableSchema.Column> columns = schema.columns();
		Set<String> absent = new LinkedHashSet<>();
		if (change.hasDataColumns()) {
			Bitmap present = change.getDataColumns();
			for (int i = 0; i < columns.size(); i++) {
				if (!isSet(present, i)) {
					absent.add(columns.get(i).name());
				}
			}
		}
		Map<String, String> partialJson = new LinkedHashMap<>();
		if (change.hasJsonPartialValues()) {
			Bitmap partial = change.getJsonPartialValues();
			// MySQL counts the JSON columns only; a bitmap as wide as the row counts every column
			boolean perJsonColumn = partial.getCount() != columns.size();
			int jsonIndex = 0;
			for (int i = 0; i < columns.size(); i++) {
				boolean json = columns.get(i).type() == Query.Type.JSON;
				int bit = perJsonColumn ? jsonIndex : i;
				if (json) {
					jsonIndex++;
				}
				if ((json || !perJsonColumn) && isSet(partial, bit) && after[i] != null) {
					partialJson.put(columns.get(i).name(), after[i].toString());
					absent.add(columns.get(i).name());
					after[i] = null;
				}
			}
		}
		return new ChangeEvent(schema, op, before, after, keyspace, shard, position, commitTime,
				Collections.unmodifiableSet(absent), Collections.unmodifiableMap(partialJson));
	}

	private static boolean isSet(Bitmap bitmap, int index) {
		if (index >= bitmap.getCount() || (index >> 3) >= bitmap.getCols().size()) {
			return false;
		}
		return (bitmap.getCols().byteAt(index >> 3) & (1 << (index & 7))) != 0;
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
		return this.op + " " + this.keyspace + "/" + this.shard + " " + table() + " at " + this.position;
	}

}
