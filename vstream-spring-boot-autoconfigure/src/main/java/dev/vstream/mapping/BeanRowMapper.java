package dev.vstream.mapping;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.convert.Property;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.util.ReflectionUtils;

/**
 * Maps rows to a JavaBean through its no-arg constructor and setters. Setters of
 * properties without a column are not called, so field initializers survive.
 *
 * @param <T> the bean type
 */
final class BeanRowMapper<T> implements RowMapper<T> {

	private final Class<T> type;

	private final String table;

	private final int columnCount;

	private final Constructor<T> constructor;

	private final Method[] setters;

	private final PropertyValue[] values;

	BeanRowMapper(TableSchema schema, Class<T> type, Conversions conversions) {
		this.type = type;
		this.table = schema.table();
		this.columnCount = schema.columns().size();
		this.constructor = noArgConstructor(type);
		Accessible.open(this.constructor);
		List<Method> setters = new ArrayList<>();
		List<PropertyValue> values = new ArrayList<>();
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			Method setter = descriptor.getWriteMethod();
			if (setter == null) {
				continue;
			}
			TypeDescriptor targetType = new TypeDescriptor(
					new Property(type, descriptor.getReadMethod(), setter, descriptor.getName()));
			PropertyValue value = PropertyValue.resolve(schema, type, descriptor.getName(),
					columnAnnotation(type, descriptor), targetType, conversions);
			if (value.hasColumn()) {
				Accessible.open(setter);
				setters.add(setter);
				values.add(value);
			}
		}
		this.setters = setters.toArray(new Method[0]);
		this.values = values.toArray(new PropertyValue[0]);
	}

	static @Nullable Column columnAnnotation(Class<?> type, PropertyDescriptor descriptor) {
		for (Method method : new Method[] { descriptor.getWriteMethod(), descriptor.getReadMethod() }) {
			Column column = (method != null) ? AnnotatedElementUtils.findMergedAnnotation(method, Column.class) : null;
			if (column != null) {
				return column;
			}
		}
		Field field = ReflectionUtils.findField(type, descriptor.getName());
		return (field != null) ? field.getAnnotation(Column.class) : null;
	}

	static <T> Constructor<T> noArgConstructor(Class<T> type) {
		try {
			return type.getDeclaredConstructor();
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalArgumentException(
					type.getName() + " has no no-arg constructor; a JavaBean row type needs one (or declare a record)",
					ex);
		}
	}

	static boolean hasSetters(Class<?> type) {
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			if (descriptor.getWriteMethod() != null) {
				return true;
			}
		}
		return false;
	}

	@Override
	public T map(@Nullable Object[] row) {
		return map(row, Set.of());
	}

	/**
	 * Setters of columns absent from a partial image are not called, like those of
	 * missing columns.
	 */
	@Override
	public T map(@Nullable Object[] row, Set<String> absentColumns) {
		RowMapperFactory.checkRowWidth(row, this.columnCount, this.table);
		T bean;
		try {
			bean = this.constructor.newInstance();
		}
		catch (InvocationTargetException ex) {
			throw new RowMappingException("Cannot create " + this.type.getName() + " for a row of table '" + this.table
					+ "': its constructor threw " + ex.getTargetException(), ex.getTargetException());
		}
		catch (ReflectiveOperationException ex) {
			throw new RowMappingException(
					"Cannot create " + this.type.getName() + " for a row of table '" + this.table + "'", ex);
		}
		for (int i = 0; i < this.setters.length; i++) {
			if (!absentColumns.isEmpty() && absentColumns.contains(this.values[i].column())) {
				continue;
			}
			Object value = this.values[i].get(row);
			try {
				this.setters[i].invoke(bean, value);
			}
			catch (InvocationTargetException ex) {
				throw new RowMappingException("Cannot set property '" + this.values[i].property() + "' of "
						+ this.type.getName() + " from a row of table '" + this.table + "': its setter threw "
						+ ex.getTargetException(), ex.getTargetException());
			}
			catch (IllegalAccessException ex) {
				throw new RowMappingException("Cannot set property '" + this.values[i].property() + "' of "
						+ this.type.getName() + " from a row of table '" + this.table + "'", ex);
			}
		}
		return bean;
	}

}
