package dev.vstream.mapping;

import java.lang.reflect.Array;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import dev.vstream.mapping.TableSchema.Column;
import org.jspecify.annotations.Nullable;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.convert.TypeDescriptor;

/**
 * The value of one target property (record component or bean property) taken from a row:
 * which column it comes from and how it is converted, both decided once when the mapper
 * is built.
 */
final class PropertyValue {

	private static final int MAX_VALUE_TEXT = 64;

	private final String table;

	private final String column;

	private final String property;

	private final TypeDescriptor targetType;

	private final Class<?> owner;

	private final int index;

	private final @Nullable Object nullValue;

	private final @Nullable Function<Object, @Nullable Object> conversion;

	private PropertyValue(String table, String column, String property, TypeDescriptor targetType, Class<?> owner,
			int index, @Nullable Function<Object, @Nullable Object> conversion) {
		this.table = table;
		this.column = column;
		this.property = property;
		this.targetType = targetType;
		this.owner = owner;
		this.index = index;
		// SQL NULL, or a missing column, cannot be passed as a primitive: use its default
		Class<?> type = targetType.getType();
		this.nullValue = type.isPrimitive() ? Array.get(Array.newInstance(type, 1), 0) : null;
		this.conversion = conversion;
	}

	/**
	 * Resolve a property against a schema.
	 * @return the property value, its column index being {@code -1} when no column
	 * matches
	 */
	static PropertyValue resolve(TableSchema schema, Class<?> owner, String property,
			dev.vstream.mapping.@Nullable Column annotation, TypeDescriptor targetType, Conversions conversions) {
		int index = (annotation != null) ? explicitColumnIndex(schema.columns(), annotation.value())
				: columnIndex(schema.columns(), property);
		if (index < 0) {
			return new PropertyValue(schema.table(), "", property, targetType, owner, -1, null);
		}
		Column column = schema.columns().get(index);
		return new PropertyValue(schema.table(), column.name(), property, targetType, owner, index,
				conversions.find(column, targetType));
	}

	static int explicitColumnIndex(List<Column> columns, String name) {
		for (int i = 0; i < columns.size(); i++) {
			if (columns.get(i).name().equals(name)) {
				return i;
			}
		}
		for (int i = 0; i < columns.size(); i++) {
			if (columns.get(i).name().equalsIgnoreCase(name)) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * Find the column of a property: the exact name first, then ignoring case and
	 * underscores, which matches {@code order_id} to {@code orderId}.
	 */
	static int columnIndex(List<Column> columns, String property) {
		for (int i = 0; i < columns.size(); i++) {
			if (columns.get(i).name().equals(property)) {
				return i;
			}
		}
		String normalized = normalize(property);
		for (int i = 0; i < columns.size(); i++) {
			if (normalize(columns.get(i).name()).equals(normalized)) {
				return i;
			}
		}
		return -1;
	}

	private static String normalize(String name) {
		return name.replace("_", "").toLowerCase(Locale.ROOT);
	}

	/**
	 * @return the column name, empty when no column matches
	 */
	String column() {
		return this.column;
	}

	boolean hasColumn() {
		return this.index >= 0;
	}

	/**
	 * Whether the value is the column at that position as it is, unconverted: a row's
	 * values can then be passed on without a copy.
	 */
	boolean isColumnAsIs(int position) {
		return this.index == position && this.conversion == null;
	}

	/**
	 * Whether a SQL NULL must be replaced by the default of a primitive property.
	 */
	boolean isPrimitive() {
		return this.targetType.getType().isPrimitive();
	}

	String property() {
		return this.property;
	}

	/**
	 * The value of the property in a row, converted to the property's type.
	 * @throws RowMappingException when the value cannot be converted
	 */
	@Nullable Object get(@Nullable Object[] values) {
		if (this.index < 0) {
			return this.nullValue;
		}
		Object value = values[this.index];
		if (value == null) {
			return this.nullValue;
		}
		if (this.conversion == null) {
			return value;
		}
		try {
			Object converted = this.conversion.apply(value);
			return (converted != null) ? converted : this.nullValue;
		}
		catch (RuntimeException ex) {
			throw new RowMappingException(
					"Cannot map column '" + this.column + "' of table '" + this.table + "' to property '"
							+ this.property + "' (" + this.targetType + ") of " + this.owner.getName() + ": value "
							+ describe(value) + ": "
							+ abbreviate(String.valueOf(NestedExceptionUtils.getMostSpecificCause(ex).getMessage())),
					ex);
		}
	}

	/** A value for a message: abbreviated, as a row may hold megabytes of text. */
	static String describe(@Nullable Object value) {
		if (value == null) {
			return "null";
		}
		if (value instanceof byte[] bytes) {
			String hex = HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, MAX_VALUE_TEXT / 2));
			return "0x" + hex + ((bytes.length > MAX_VALUE_TEXT / 2) ? "..." : "") + " (byte[" + bytes.length + "])";
		}
		return "'" + abbreviate(value.toString()) + "' (" + value.getClass().getName() + ")";
	}

	// Causes tend to repeat the value in full
	private static String abbreviate(String text) {
		return (text.length() > MAX_VALUE_TEXT) ? text.substring(0, MAX_VALUE_TEXT) + "..." : text;
	}

}
