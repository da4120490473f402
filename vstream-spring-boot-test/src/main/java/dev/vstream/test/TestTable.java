package dev.vstream.test;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.google.protobuf.ByteString;
import dev.vstream.mapping.Column;
import io.vitess.proto.Query;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;
import org.springframework.util.ReflectionUtils;

/**
 * A table of a {@link TestVtgate}: its columns, and changes to its rows. A row is a
 * {@link Map} of column name to value, or an object whose record components or JavaBean
 * properties are matched to the columns as the starter maps rows to listener parameters
 * ({@code orderId} for {@code order_id}, or {@link Column @Column}); columns a row does
 * not name are SQL {@code NULL}.
 * <p>
 * Each of {@link #insert}, {@link #update} and {@link #delete} commits a transaction of
 * its own at once; {@link TestVtgate#transaction} groups changes. Values are sent as
 * vtgate sends them, as text: numbers, strings, {@code Boolean} (as {@code 1}/{@code 0}),
 * {@code byte[]}, enums (their name), {@code java.time} values (in MySQL's format;
 * {@code Instant} as UTC), and anything else by its {@code toString()}.
 */
public final class TestTable {

	private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

	private final TestVtgate vtgate;

	private final String keyspace;

	private final String name;

	private volatile List<Query.Field> fields = List.of();

	TestTable(TestVtgate vtgate, String keyspace, String name) {
		this.vtgate = vtgate;
		this.keyspace = keyspace;
		this.name = name;
	}

	/**
	 * Define (or redefine, as after a DDL) the table's columns, in order. The changes
	 * pushed from now on announce these columns to the stream.
	 * @param definitions {@code name type} each, with MySQL type names such as
	 * {@code order_id bigint}, {@code price decimal(10,2)},
	 * {@code created_at datetime(6)} or {@code flags int unsigned}
	 * @return this table
	 */
	public TestTable columns(String... definitions) {
		List<Query.Field> defined = new ArrayList<>();
		for (String definition : definitions) {
			Query.Field field = ColumnTypes.field(definition);
			defined
				.add(field.toBuilder().setTable(this.name).setOrgTable(this.name).setDatabase(this.keyspace).build());
		}
		this.fields = List.copyOf(defined);
		return this;
	}

	/**
	 * @return the keyspace
	 */
	public String keyspace() {
		return this.keyspace;
	}

	/**
	 * @return the table name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * @return the column names, in order
	 */
	public List<String> columnNames() {
		return this.fields.stream().map(Query.Field::getName).toList();
	}

	/**
	 * Insert rows in one transaction.
	 * @param rows the rows, as maps or objects
	 * @return where the transaction was committed
	 */
	public Commit insert(Object... rows) {
		return this.vtgate.transaction((tx) -> {
			for (Object row : rows) {
				tx.insert(this, row);
			}
		});
	}

	/**
	 * Update a row in a transaction of its own.
	 * @param before the row before, as a map or object
	 * @param after the row after, as a map or object
	 * @return where the transaction was committed
	 */
	public Commit update(Object before, Object after) {
		return this.vtgate.transaction((tx) -> tx.update(this, before, after));
	}

	/**
	 * Delete rows in one transaction.
	 * @param rows the rows deleted, as maps or objects
	 * @return where the transaction was committed
	 */
	public Commit delete(Object... rows) {
		return this.vtgate.transaction((tx) -> {
			for (Object row : rows) {
				tx.delete(this, row);
			}
		});
	}

	List<Query.Field> fields() {
		List<Query.Field> defined = this.fields;
		if (defined.isEmpty()) {
			throw new IllegalStateException("Table " + this.keyspace + "." + this.name
					+ " has no columns: define them first, such as table(...).columns(\"id bigint\", \"name varchar\")");
		}
		return defined;
	}

	/**
	 * A row as vtgate sends it: each column's value as text, in column order.
	 */
	Query.Row row(Object row) {
		Map<String, @Nullable Object> values = values(row);
		List<Query.Field> columns = fields();
		// A map names columns (a typo is a mistake); an object may have more properties.
		for (String given : (row instanceof Map) ? values.keySet() : List.<String>of()) {
			if (columns.stream().noneMatch((field) -> matches(field.getName(), given))) {
				throw new IllegalArgumentException("Table " + this.keyspace + "." + this.name + " has no column '"
						+ given + "' (it has " + columnNames() + ")");
			}
		}
		Query.Row.Builder encoded = Query.Row.newBuilder();
		ByteString.Output bytes = ByteString.newOutput();
		for (Query.Field field : columns) {
			Object value = valueOf(values, field.getName());
			if (value == null) {
				encoded.addLengths(-1);
			}
			else {
				byte[] text = encode(value);
				encoded.addLengths(text.length);
				bytes.write(text, 0, text.length);
			}
		}
		return encoded.setValues(bytes.toByteString()).build();
	}

	private static @Nullable Object valueOf(Map<String, @Nullable Object> values, String column) {
		if (values.containsKey(column)) {
			return values.get(column);
		}
		for (Map.Entry<String, @Nullable Object> entry : values.entrySet()) {
			if (matches(column, entry.getKey())) {
				return entry.getValue();
			}
		}
		return null;
	}

	/**
	 * As the starter matches columns to properties: exactly, else ignoring case and
	 * underscores.
	 */
	private static boolean matches(String column, String property) {
		return column.equals(property) || normalized(column).equals(normalized(property));
	}

	private static String normalized(String name) {
		return name.replace("_", "").toLowerCase(Locale.ROOT);
	}

	private static Map<String, @Nullable Object> values(Object row) {
		Map<String, @Nullable Object> values = new LinkedHashMap<>();
		if (row instanceof Map<?, ?> map) {
			map.forEach((key, value) -> values.put(String.valueOf(key), value));
			return values;
		}
		Class<?> type = row.getClass();
		if (type.isRecord()) {
			for (RecordComponent component : type.getRecordComponents()) {
				Column column = component.getAnnotation(Column.class);
				Method accessor = component.getAccessor();
				// A record declared in a test class need not be public.
				ReflectionUtils.makeAccessible(accessor);
				Object value = ReflectionUtils.invokeMethod(accessor, row);
				values.put((column != null) ? column.value() : component.getName(), value);
			}
			return values;
		}
		BeanWrapper bean = PropertyAccessorFactory.forBeanPropertyAccess(row);
		for (PropertyDescriptor property : bean.getPropertyDescriptors()) {
			if (property.getReadMethod() == null || property.getName().equals("class")) {
				continue;
			}
			Column column = property.getReadMethod().getAnnotation(Column.class);
			if (column == null && property.getWriteMethod() != null) {
				column = property.getWriteMethod().getAnnotation(Column.class);
			}
			Field field = ReflectionUtils.findField(type, property.getName());
			if (column == null && field != null) {
				column = field.getAnnotation(Column.class);
			}
			values.put((column != null) ? column.value() : property.getName(),
					bean.getPropertyValue(property.getName()));
		}
		return values;
	}

	private static byte[] encode(Object value) {
		if (value instanceof byte[] bytes) {
			return bytes;
		}
		return text(value).getBytes(StandardCharsets.UTF_8);
	}

	private static String text(Object value) {
		if (value instanceof Boolean bool) {
			return bool ? "1" : "0";
		}
		if (value instanceof BigDecimal decimal) {
			return decimal.toPlainString();
		}
		if (value instanceof Enum<?> constant) {
			return constant.name();
		}
		if (value instanceof Instant instant) {
			return dateTime(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
		}
		if (value instanceof LocalDateTime dateTime) {
			return dateTime(dateTime);
		}
		if (value instanceof Collection<?> members) {
			// a SET column
			return String.join(",", members.stream().map(TestTable::text).toList());
		}
		// LocalDate, LocalTime and Year too: their ISO form is MySQL's
		return value.toString();
	}

	private static String dateTime(LocalDateTime dateTime) {
		String seconds = SECONDS.format(dateTime);
		int micros = dateTime.getNano() / 1000;
		return (micros == 0) ? seconds : seconds + "." + String.format(Locale.ROOT, "%06d", micros);
	}

	@Override
	public String toString() {
		return this.keyspace + "." + this.name + columnNames();
	}

}
