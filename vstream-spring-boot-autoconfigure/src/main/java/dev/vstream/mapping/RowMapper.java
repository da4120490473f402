package dev.vstream.mapping;

import org.jspecify.annotations.Nullable;

/**
 * Maps the decoded values of one row (as produced by {@link TableSchema#decode}) to a target
 * object. Built once per (schema, target type) by {@link RowMapperFactory}.
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

}
