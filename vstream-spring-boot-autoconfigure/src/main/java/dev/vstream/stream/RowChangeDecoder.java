package dev.vstream.stream;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import binlogdata.Binlogdata.RowChange.Bitmap;
import dev.vstream.listener.ChangeEvent;
import dev.vstream.listener.Operation;
import dev.vstream.mapping.TableSchema;
import dev.vstream.position.StreamPosition;
import io.vitess.proto.Query;
import org.jspecify.annotations.Nullable;

/**
 * Turns a protocol row change into a {@link ChangeEvent}: the operation from which images
 * are present, the values decoded by the table's {@link TableSchema}, and the columns a
 * partial row image leaves out. The protocol stops here: listeners and mappers see
 * decoded values only.
 */
final class RowChangeDecoder {

	private RowChangeDecoder() {
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
	static ChangeEvent decode(TableSchema schema, binlogdata.Binlogdata.RowChange change, String keyspace, String shard,
			@Nullable StreamPosition position, @Nullable Instant commitTime) {
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
			// MySQL counts the JSON columns only; a bitmap as wide as the row counts
			// every column
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

}
