package dev.vstream.mapping;

import java.beans.PropertyDescriptor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.vitess.proto.Query;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;

/**
 * The columns of a table that a row type maps, by the rules of {@link RowMapperFactory}
 * ({@link Column}, the same name, or the name ignoring case and underscores): what vtgate
 * needs to send for it.
 */
public final class MappedColumns {

	private MappedColumns() {
	}

	/**
	 * The columns a row type maps.
	 * @param type the row type
	 * @param tableColumns the table's columns, in table order
	 * @return the mapped columns in table order; {@code null} for a {@code Map} (every
	 * column)
	 */
	public static @Nullable List<String> of(Class<?> type, List<String> tableColumns) {
		if (Map.class.isAssignableFrom(type)) {
			return null;
		}
		List<TableSchema.Column> columns = new ArrayList<>(tableColumns.size());
		for (String name : tableColumns) {
			columns.add(new TableSchema.Column(name, Query.Type.VARCHAR, String.class));
		}
		TreeSet<Integer> mapped = new TreeSet<>();
		if (type.isRecord()) {
			for (RecordComponent component : type.getRecordComponents()) {
				mapped.add(index(columns, component.getName(), component.getAnnotation(Column.class)));
			}
		}
		else {
			for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
				if (descriptor.getWriteMethod() != null) {
					mapped.add(index(columns, descriptor.getName(), BeanRowMapper.columnAnnotation(type, descriptor)));
				}
			}
		}
		mapped.remove(-1);
		return mapped.stream().map(tableColumns::get).toList();
	}

	private static int index(List<TableSchema.Column> columns, String property, @Nullable Column annotation) {
		return (annotation != null) ? PropertyValue.explicitColumnIndex(columns, annotation.value())
				: PropertyValue.columnIndex(columns, property);
	}

}
