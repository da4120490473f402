package dev.vstream.mapping;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import binlogdata.Binlogdata.FieldEvent;
import com.google.protobuf.ByteString;
import io.vitess.proto.Query;

/**
 * Builds FIELD events and rows the way vtgate sends them: values in MySQL text encoding,
 * concatenated, with {@code -1} lengths for NULL.
 */
final class TestRows {

	private TestRows() {
	}

	static Query.Field field(String name, Query.Type type) {
		return Query.Field.newBuilder().setName(name).setType(type).build();
	}

	static Query.Field field(String name, Query.Type type, String columnType) {
		return Query.Field.newBuilder().setName(name).setType(type).setColumnType(columnType).build();
	}

	static FieldEvent fieldEvent(String tableName, Query.Field... fields) {
		return FieldEvent.newBuilder()
			.setTableName(tableName)
			.setEnumSetStringValues(true)
			.addAllFields(List.of(fields))
			.build();
	}

	static TableSchema schema(String tableName, Query.Field... fields) {
		return TableSchema.of(fieldEvent(tableName, fields));
	}

	/**
	 * A row of text values ({@code String}, UTF-8), raw values ({@code byte[]}) and
	 * NULLs.
	 */
	static Query.Row row(Object... values) {
		Query.Row.Builder row = Query.Row.newBuilder();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		for (Object value : values) {
			if (value == null) {
				row.addLengths(-1);
				continue;
			}
			byte[] encoded = (value instanceof byte[] raw) ? raw : value.toString().getBytes(StandardCharsets.UTF_8);
			row.addLengths(encoded.length);
			bytes.writeBytes(encoded);
		}
		return row.setValues(ByteString.copyFrom(bytes.toByteArray())).build();
	}

	/** Decode one value of a one-column table. */
	static Object decodeOne(Query.Type type, Object value) {
		return schema("t", field("c", type)).decode(row(value))[0];
	}

}
