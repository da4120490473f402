package dev.vstream.mapping;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;

import org.jspecify.annotations.Nullable;

import org.springframework.core.MethodParameter;
import org.springframework.core.convert.TypeDescriptor;

/**
 * Maps rows to a record through its canonical constructor.
 *
 * @param <T> the record type
 */
final class RecordRowMapper<T> implements RowMapper<T> {

	private final Class<T> type;

	private final String table;

	private final int columnCount;

	private final Constructor<T> constructor;

	private final PropertyValue[] arguments;

	/**
	 * The components taking a primitive when every component is its column in the table's
	 * order, unconverted; {@code null} otherwise. The row's values then are the
	 * constructor's arguments as they are, unless a primitive one is SQL NULL.
	 */
	private final int @Nullable [] inOrderPrimitives;

	RecordRowMapper(TableSchema schema, Class<T> type, Conversions conversions) {
		this.type = type;
		this.table = schema.table();
		this.columnCount = schema.columns().size();
		this.constructor = canonicalConstructor(type);
		Accessible.open(this.constructor);
		RecordComponent[] components = type.getRecordComponents();
		this.arguments = new PropertyValue[components.length];
		for (int i = 0; i < components.length; i++) {
			TypeDescriptor targetType = new TypeDescriptor(MethodParameter.forExecutable(this.constructor, i));
			this.arguments[i] = PropertyValue.resolve(schema, type, components[i].getName(),
					components[i].getAnnotation(Column.class), targetType, conversions);
		}
		this.inOrderPrimitives = inOrderPrimitives(this.arguments, this.columnCount);
	}

	private static int @Nullable [] inOrderPrimitives(PropertyValue[] arguments, int columnCount) {
		if (arguments.length != columnCount) {
			return null;
		}
		int primitives = 0;
		for (int i = 0; i < arguments.length; i++) {
			if (!arguments[i].isColumnAsIs(i)) {
				return null;
			}
			primitives += arguments[i].isPrimitive() ? 1 : 0;
		}
		int[] positions = new int[primitives];
		for (int i = 0, p = 0; i < arguments.length; i++) {
			if (arguments[i].isPrimitive()) {
				positions[p++] = i;
			}
		}
		return positions;
	}

	static <T> Constructor<T> canonicalConstructor(Class<T> type) {
		RecordComponent[] components = type.getRecordComponents();
		Class<?>[] parameterTypes = new Class<?>[components.length];
		for (int i = 0; i < components.length; i++) {
			parameterTypes[i] = components[i].getType();
		}
		try {
			return type.getDeclaredConstructor(parameterTypes);
		}
		catch (NoSuchMethodException ex) {
			// Every record has one; only a broken class file gets here
			throw new IllegalArgumentException(type.getName() + " has no canonical constructor", ex);
		}
	}

	/**
	 * Whether the row's values are the arguments: the constructor only reads them.
	 */
	private boolean canPassAsIs(@Nullable Object[] values) {
		int[] primitives = this.inOrderPrimitives;
		if (primitives == null) {
			return false;
		}
		for (int position : primitives) {
			if (values[position] == null) {
				return false;
			}
		}
		return true;
	}

	private @Nullable Object[] arguments(@Nullable Object[] values) {
		@Nullable Object[] args = new Object[this.arguments.length];
		for (int i = 0; i < args.length; i++) {
			args[i] = this.arguments[i].get(values);
		}
		return args;
	}

	@Override
	public T map(@Nullable Object[] values) {
		RowMapperFactory.checkRowWidth(values, this.columnCount, this.table);
		@Nullable Object[] args = canPassAsIs(values) ? values : arguments(values);
		try {
			return this.constructor.newInstance(args);
		}
		catch (InvocationTargetException ex) {
			throw new RowMappingException("Cannot create " + this.type.getName() + " from a row of table '" + this.table
					+ "': its constructor threw " + ex.getTargetException(), ex.getTargetException());
		}
		catch (ReflectiveOperationException ex) {
			throw new RowMappingException(
					"Cannot create " + this.type.getName() + " from a row of table '" + this.table + "'", ex);
		}
	}

}
