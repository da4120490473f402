package dev.vstream.test;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.vitess.proto.Query;

/**
 * The column types a {@link TestTable} understands, by their MySQL names, and the Vitess
 * field types vtgate announces them with.
 */
final class ColumnTypes {

	private static final Map<String, Query.Type> SIGNED = Map.ofEntries(Map.entry("tinyint", Query.Type.INT8),
			Map.entry("bool", Query.Type.INT8), Map.entry("boolean", Query.Type.INT8),
			Map.entry("smallint", Query.Type.INT16), Map.entry("mediumint", Query.Type.INT24),
			Map.entry("int", Query.Type.INT32), Map.entry("integer", Query.Type.INT32),
			Map.entry("bigint", Query.Type.INT64), Map.entry("float", Query.Type.FLOAT32),
			Map.entry("double", Query.Type.FLOAT64), Map.entry("decimal", Query.Type.DECIMAL),
			Map.entry("numeric", Query.Type.DECIMAL), Map.entry("char", Query.Type.CHAR),
			Map.entry("varchar", Query.Type.VARCHAR), Map.entry("tinytext", Query.Type.TEXT),
			Map.entry("text", Query.Type.TEXT), Map.entry("mediumtext", Query.Type.TEXT),
			Map.entry("longtext", Query.Type.TEXT), Map.entry("binary", Query.Type.BINARY),
			Map.entry("varbinary", Query.Type.VARBINARY), Map.entry("tinyblob", Query.Type.BLOB),
			Map.entry("blob", Query.Type.BLOB), Map.entry("mediumblob", Query.Type.BLOB),
			Map.entry("longblob", Query.Type.BLOB), Map.entry("date", Query.Type.DATE),
			Map.entry("time", Query.Type.TIME), Map.entry("datetime", Query.Type.DATETIME),
			Map.entry("timestamp", Query.Type.TIMESTAMP), Map.entry("year", Query.Type.YEAR),
			Map.entry("json", Query.Type.JSON), Map.entry("enum", Query.Type.ENUM), Map.entry("set", Query.Type.SET),
			Map.entry("bit", Query.Type.BIT));

	private static final Map<Query.Type, Query.Type> UNSIGNED = Map.of(Query.Type.INT8, Query.Type.UINT8,
			Query.Type.INT16, Query.Type.UINT16, Query.Type.INT24, Query.Type.UINT24, Query.Type.INT32,
			Query.Type.UINT32, Query.Type.INT64, Query.Type.UINT64);

	private static final Set<Query.Type> TEXT = Set.of(Query.Type.CHAR, Query.Type.VARCHAR, Query.Type.TEXT,
			Query.Type.JSON, Query.Type.ENUM, Query.Type.SET);

	/** The binary collation: numbers, dates, and BINARY, VARBINARY and BLOB as bytes. */
	private static final int BINARY_COLLATION = 63;

	/** utf8mb4_0900_ai_ci, MySQL 8's default. */
	private static final int TEXT_COLLATION = 255;

	private ColumnTypes() {
	}

	/**
	 * A column from its definition.
	 * @param definition {@code name type}, such as {@code order_id bigint unsigned} or
	 * {@code price decimal(10,2)}
	 * @return the field vtgate announces
	 */
	static Query.Field field(String definition) {
		String[] words = definition.trim().split("\\s+", 2);
		if (words.length < 2) {
			throw new IllegalArgumentException(
					"Column '" + definition + "' needs a name and a type, such as 'order_id bigint'");
		}
		String rest = words[1].toLowerCase(Locale.ROOT);
		int end = 0;
		while (end < rest.length() && Character.isLetter(rest.charAt(end))) {
			end++;
		}
		Query.Type type = SIGNED.get(rest.substring(0, end));
		if (type == null) {
			throw new IllegalArgumentException("Column '" + definition + "' has type '" + words[1]
					+ "', which a test vtgate does not know; use one of " + new TreeSet<>(SIGNED.keySet()));
		}
		if (rest.contains("unsigned")) {
			type = UNSIGNED.getOrDefault(type, type);
		}
		return Query.Field.newBuilder()
			.setName(words[0])
			.setType(type)
			.setCharset(TEXT.contains(type) ? TEXT_COLLATION : BINARY_COLLATION)
			.setColumnType(words[1])
			.build();
	}

}
