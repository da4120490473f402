package dev.vstream.mapping;

import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Maps the decoded values of one row (as produced by {@link TableSchema#decode}) to a
 * target object. Built once per (schema, target type) by {@link RowMapperFactory}.
 *
 * @param <T> the target type
 */
@FunctionalInterface
public interface RowMapper<T> {

	/**
	 * Map one row.
	 * @param values decoded values, one per column of the schema
	 * @return the mapped object
	 * @throws RowMappingException when a value cannot be converted
	 */
	T map(@Nullable Object[] values);

	/**
	 * Map one row image that may be partial (see {@code RowChange.absentColumns()}). Map
	 * targets leave absent columns out, JavaBeans do not set their properties; records,
	 * which must get every component, get {@code null} or the primitive default for them.
	 * @param values decoded values, one per column of the schema; absent columns are
	 * {@code null}
	 * @param absentColumns the columns the image does not carry, empty for a full image
	 * @return the mapped object
	 * @throws RowMappingException when a value cannot be converted
	 */
	default T map(@Nullable Object[] values, Set<String> absentColumns) {
		return map(values);
	}

}
