package dev.vstream.mapping;

import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.convert.ConversionService;
import org.springframework.util.Assert;

/**
 * Creates and caches {@link RowMapper}s per (table schema, target type): records through
 * their canonical constructor, JavaBeans through setters, {@code Map<String, Object>} as
 * is.
 *
 * <p>
 * A record component or bean property takes the column named by its {@link Column}
 * annotation, else the column of the same name, else the column whose name matches
 * ignoring case and underscores ({@code order_id} for {@code orderId}). Columns without a
 * property are ignored. A property without a column, or with SQL {@code NULL}, gets
 * {@code null} or, when primitive, its default ({@code 0}, {@code false}); bean setters
 * of properties without a column are not called. A value whose {@linkplain TableSchema
 * decoded type} does not fit the property is converted with the
 * {@link ConversionService}; where that cannot, numbers convert to {@code boolean}
 * (non-zero is {@code true}), {@code TIMESTAMP} instants to {@code LocalDateTime},
 * {@code OffsetDateTime} and {@code ZonedDateTime} in UTC, and {@code TIME} durations
 * within a day to {@code LocalTime}.
 */
public class RowMapperFactory {

	private final Conversions conversions;

	// Keyed by the schema's shape, not its identity: every reconnect sends the FIELD
	// events again
	private final Map<CacheKey, RowMapper<?>> mappers = new ConcurrentHashMap<>();

	/**
	 * Create a factory.
	 * @param conversionService converts decoded values to property types
	 */
	public RowMapperFactory(ConversionService conversionService) {
		this(conversionService, JsonMapper.shared());
	}

	/**
	 * Create a factory.
	 * @param conversionService converts decoded values to property types
	 * @param jsonMapper reads JSON columns into {@code JsonNode} and other non-text
	 * property types
	 */
	public RowMapperFactory(ConversionService conversionService, JsonMapper jsonMapper) {
		Assert.notNull(conversionService, "ConversionService must not be null");
		Assert.notNull(jsonMapper, "JsonMapper must not be null");
		this.conversions = new Conversions(conversionService, jsonMapper);
	}

	/**
	 * Return the mapper of a schema to a type, creating it on first use.
	 * @param schema the table schema
	 * @param type the target type
	 * @param <T> the target type
	 * @return the mapper
	 * @throws IllegalArgumentException when the type cannot be a target, see
	 * {@link #validateTargetType}
	 */
	@SuppressWarnings("unchecked")
	public <T> RowMapper<T> mapperFor(TableSchema schema, Class<T> type) {
		return (RowMapper<T>) this.mappers.computeIfAbsent(new CacheKey(schema.shape(), type),
				(key) -> createMapper(schema, type));
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private RowMapper<?> createMapper(TableSchema schema, Class<?> type) {
		validateTargetType(type);
		if (isMap(type)) {
			return new MapRowMapper(schema);
		}
		if (type.isRecord()) {
			return new RecordRowMapper(schema, type, this.conversions);
		}
		return new BeanRowMapper(schema, type, this.conversions);
	}

	/**
	 * Check at start-up that a type can be a mapping target.
	 * @param type the target type
	 * @throws IllegalArgumentException naming the type and what is wrong
	 */
	public void validateTargetType(Class<?> type) {
		String problem = problemOf(type);
		if (problem != null) {
			throw new IllegalArgumentException(type.getName() + " cannot be a row type: " + problem);
		}
	}

	private static @Nullable String problemOf(Class<?> type) {
		if (isMap(type)) {
			return null;
		}
		if (Map.class.isAssignableFrom(type)) {
			return "rows map to a LinkedHashMap; declare Map, HashMap or LinkedHashMap";
		}
		if (type.isPrimitive()) {
			return "it is a primitive type; declare a record, a JavaBean or Map";
		}
		if (type.isArray()) {
			return "it is an array; declare a record, a JavaBean or Map";
		}
		if (type.isInterface()) {
			return "it is an interface (only Map is supported)";
		}
		if (type.isEnum()) {
			return "it is an enum";
		}
		if (Modifier.isAbstract(type.getModifiers())) {
			return "it is abstract";
		}
		if (type.isRecord()) {
			// Records always have a canonical constructor
			return null;
		}
		if (type.isAnonymousClass()
				|| ((type.isMemberClass() || type.isLocalClass()) && !Modifier.isStatic(type.getModifiers()))) {
			return "it is an inner class, whose instances need an enclosing instance; declare it static";
		}
		try {
			type.getDeclaredConstructor();
		}
		catch (NoSuchMethodException ex) {
			return "it is neither a record nor has it a no-arg constructor";
		}
		if (!BeanRowMapper.hasSetters(type)) {
			return "it is not a record and has no setters, so no column could be mapped";
		}
		return null;
	}

	private static boolean isMap(Class<?> type) {
		return Map.class.isAssignableFrom(type) && type.isAssignableFrom(LinkedHashMap.class);
	}

	static void checkRowWidth(@Nullable Object[] values, int columns, String table) {
		if (values.length != columns) {
			throw new RowMappingException("Row of table '" + table + "' has " + values.length
					+ " values but the mapper was built for " + columns + " columns", null);
		}
	}

	private record CacheKey(TableSchema.Shape shape, Class<?> type) {
	}

}
