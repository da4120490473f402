package dev.vstream.mapping;

import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.util.CollectionUtils;

/**
 * Maps rows to a {@link java.util.LinkedHashMap} of column name to decoded value, in
 * column order. JSON columns hold their text.
 */
final class MapRowMapper implements RowMapper<Map<String, @Nullable Object>> {

	private final String table;

	private final String[] names;

	MapRowMapper(TableSchema schema) {
		this.table = schema.table();
		this.names = schema.columns().stream().map(TableSchema.Column::name).toArray(String[]::new);
	}

	@Override
	public Map<String, @Nullable Object> map(@Nullable Object[] values) {
		return map(values, Set.of());
	}

	/**
	 * Columns absent from a partial image have no entry, which tells them from SQL NULL.
	 */
	@Override
	public Map<String, @Nullable Object> map(@Nullable Object[] values, Set<String> absentColumns) {
		RowMapperFactory.checkRowWidth(values, this.names.length, this.table);
		Map<String, @Nullable Object> map = CollectionUtils.newLinkedHashMap(this.names.length);
		for (int i = 0; i < this.names.length; i++) {
			if (absentColumns.isEmpty() || !absentColumns.contains(this.names[i])) {
				map.put(this.names[i], values[i]);
			}
		}
		return map;
	}

}
