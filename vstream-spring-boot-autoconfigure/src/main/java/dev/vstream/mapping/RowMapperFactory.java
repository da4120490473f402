package dev.vstream.mapping;

import org.springframework.core.convert.ConversionService;

/**
 * Creates and caches {@link RowMapper}s per (table schema, target type): records through their
 * canonical constructor, JavaBeans through setters, {@code Map<String, Object>} as is.
 */
public class RowMapperFactory {

	// SKELETON: implemented by the mapping work

	/**
	 * Create a factory.
	 * @param conversionService converts decoded values to property types
	 */
	public RowMapperFactory(ConversionService conversionService) {
	}

	/**
	 * Return the mapper of a schema to a type, creating it on first use.
	 * @param schema the table schema
	 * @param type the target type
	 * @param <T> the target type
	 * @return the mapper
	 */
	public <T> RowMapper<T> mapperFor(TableSchema schema, Class<T> type) {
		throw new UnsupportedOperationException("not yet");
	}

	/**
	 * Check at start-up that a type can be a mapping target.
	 * @param type the target type
	 * @throws IllegalArgumentException naming the type and what is wrong
	 */
	public void validateTargetType(Class<?> type) {
		throw new UnsupportedOperationException("not yet");
	}

}
