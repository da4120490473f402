package dev.vstream.mapping;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import binlogdata.Binlogdata.FieldEvent;
import com.google.protobuf.ByteString;
import dev.vstream.mapping.ValueDecoders.Decoding;
import dev.vstream.mapping.ValueDecoders.ValueDecoder;
import io.vitess.proto.Query;
import org.jspecify.annotations.Nullable;

/**
 * The columns of one table as announced by a FIELD event, able to decode that table's
 * rows ({@code lengths} + {@code values}) into Java values. Built once per FIELD event;
 * the decoder of each column is chosen here so that decoding a row does no per-column
 * type dispatch.
 *
 * <p>
 * Each Vitess type decodes to exactly one Java type, so that what a listener receives
 * does not depend on the value (SQL {@code NULL} is always {@code null}):
 * <table>
 * <caption>Java type per Vitess column type</caption>
 * <tr>
 * <th>Vitess type</th>
 * <th>Java type</th>
 * </tr>
 * <tr>
 * <td>INT8, UINT8, INT16, UINT16, INT24, UINT24, INT32, YEAR</td>
 * <td>{@link Integer}</td>
 * </tr>
 * <tr>
 * <td>UINT32, INT64</td>
 * <td>{@link Long}</td>
 * </tr>
 * <tr>
 * <td>UINT64</td>
 * <td>{@link java.math.BigInteger} (exact up to 18446744073709551615)</td>
 * </tr>
 * <tr>
 * <td>FLOAT32, FLOAT64</td>
 * <td>{@link Float}, {@link Double}</td>
 * </tr>
 * <tr>
 * <td>DECIMAL</td>
 * <td>{@link java.math.BigDecimal} with the column's scale</td>
 * </tr>
 * <tr>
 * <td>DATE</td>
 * <td>{@link java.time.LocalDate}</td>
 * </tr>
 * <tr>
 * <td>DATETIME</td>
 * <td>{@link java.time.LocalDateTime}</td>
 * </tr>
 * <tr>
 * <td>TIMESTAMP</td>
 * <td>{@link java.time.Instant}: Vitess streams TIMESTAMP values in UTC</td>
 * </tr>
 * <tr>
 * <td>TIME</td>
 * <td>{@link java.time.Duration}, as TIME may be negative or exceed 24 hours</td>
 * </tr>
 * <tr>
 * <td>CHAR, VARCHAR, TEXT, ENUM, SET, JSON (the JSON text), EXPRESSION, HEXNUM, HEXVAL,
 * BITNUM</td>
 * <td>{@link String}, decoded as UTF-8</td>
 * </tr>
 * <tr>
 * <td>BINARY, VARBINARY, BLOB of a character-set collation (how MySQL and MariaDB report
 * the CHAR/VARCHAR/TEXT columns of a {@code _bin} collation), and any string column
 * flagged ENUM or SET (ENUM/SET members by name, also when the FIELD event lacks
 * {@code enum_set_string_values} and the value is the index or bit mask)</td>
 * <td>{@link String}</td>
 * </tr>
 * <tr>
 * <td>BINARY, VARBINARY, BLOB of the binary collation (63, or none given), GEOMETRY
 * (MySQL's SRID + WKB), VECTOR, RAW</td>
 * <td>{@code byte[]}</td>
 * </tr>
 * <tr>
 * <td>BIT</td>
 * <td>{@link Long}: the bits as an unsigned number (BIT(64) may be negative)</td>
 * </tr>
 * <tr>
 * <td>NULL_TYPE</td>
 * <td>always {@code null}</td>
 * </tr>
 * </table>
 * MySQL zero dates ({@code 0000-00-00}, and any date with a zero month or day) decode to
 * {@code null}, as no {@code java.time} type can hold them. Other types (TUPLE, ROW_TUPLE
 * and types newer than this code) have the Java type {@code Object}; decoding a non-NULL
 * value of them fails with a {@link RowMappingException}.
 */
public final class TableSchema {

	private final String table;

	private final List<Column> columns;

	private final @Nullable ValueDecoder[] decoders;

	private final int[] typeCodes;

	private final int[] kinds;

	private final Shape shape;

	private TableSchema(String table, List<Column> columns, @Nullable ValueDecoder[] decoders, int[] typeCodes,
			int[] kinds) {
		this.table = table;
		this.columns = columns;
		this.decoders = decoders;
		this.typeCodes = typeCodes;
		this.kinds = kinds;
		this.shape = new Shape(table, columns);
	}

	/**
	 * Build the schema of a FIELD event.
	 * @param event the FIELD event
	 * @return the schema
	 */
	public static TableSchema of(FieldEvent event) {
		String table = event.getTableName();
		int dot = table.indexOf('.');
		if (dot >= 0) {
			table = table.substring(dot + 1);
		}
		int count = event.getFieldsCount();
		List<Column> columns = new ArrayList<>(count);
		ValueDecoder[] decoders = new ValueDecoder[count];
		int[] typeCodes = new int[count];
		int[] kinds = new int[count];
		for (int i = 0; i < count; i++) {
			Query.Field field = event.getFields(i);
			Decoding decoding = ValueDecoders.forField(field, event.getEnumSetStringValues());
			columns.add(new Column(field.getName(), field.getType(), decoding.javaType()));
			decoders[i] = decoding.decoder();
			typeCodes[i] = field.getTypeValue();
			kinds[i] = decoding.kind();
		}
		return new TableSchema(table, Collections.unmodifiableList(columns), decoders, typeCodes, kinds);
	}

	/**
	 * @return the table name without keyspace prefix
	 */
	public String table() {
		return this.table;
	}

	/**
	 * @return the columns in row order
	 */
	public List<Column> columns() {
		return this.columns;
	}

	/**
	 * Identifies what a row mapper depends on, so that the FIELD events sent again on
	 * every reconnect share mappers instead of piling up new ones.
	 */
	Shape shape() {
		return this.shape;
	}

	/**
	 * Decode one row image.
	 * @param row the row
	 * @return one Java value per column (null for SQL NULL)
	 * @throws RowMappingException when the bytes do not match the columns
	 */
	public @Nullable Object[] decode(Query.Row row) {
		int count = this.decoders.length;
		if (row.getLengthsCount() != count) {
			throw new RowMappingException("Row of table '" + this.table + "' has " + row.getLengthsCount()
					+ " values but its FIELD event announced " + count + " columns", null);
		}
		ByteString data = row.getValues();
		int size = data.size();
		RowBytes source = RowBytes.of(data);
		byte[] bytes = source.array();
		int start = source.offset();
		@Nullable Object[] values = new Object[count];
		// One pass: each length is checked against the bytes left before its value is
		// read, so no value is decoded from a neighbour's bytes or from bytes of the
		// array beyond this row's; a mismatch is then explained from the whole row.
		int offset = 0;
		for (int i = 0; i < count; i++) {
			long length = row.getLengths(i);
			if (length < 0) {
				if (length != -1) {
					throw corrupt(row, size);
				}
				continue;
			}
			if (length > size - offset) {
				throw corrupt(row, size);
			}
			values[i] = decodeValue(i, bytes, start + offset, (int) length, row, size);
			offset += (int) length;
		}
		if (offset != size) {
			throw corrupt(row, size);
		}
		return values;
	}

	/**
	 * The error for lengths that do not describe the row's bytes exactly: each at least
	 * -1 (NULL), added without overflow to exactly the size. A row whose lengths are
	 * wrong is reported as such even when a value read before the mismatch also failed to
	 * decode.
	 */
	private RowMappingException corrupt(Query.Row row, int size) {
		RowMappingException error = lengthsError(row, size);
		// Only called on a mismatch, which lengthsError always finds
		return (error != null) ? error : new RowMappingException(
				"Row of table '" + this.table + "' has lengths that do not match its " + size + " bytes of values",
				null);
	}

	/**
	 * A row whose lengths are wrong is reported as such, before what went wrong with one
	 * of its values.
	 */
	private void rejectWrongLengths(Query.Row row, int size) {
		RowMappingException error = lengthsError(row, size);
		if (error != null) {
			throw error;
		}
	}

	private @Nullable RowMappingException lengthsError(Query.Row row, int size) {
		long total = 0;
		boolean overflow = false;
		for (int i = 0; i < this.decoders.length; i++) {
			long length = row.getLengths(i);
			if (length < -1) {
				return new RowMappingException("Row of table '" + this.table + "' has invalid length " + length
						+ " for column '" + this.columns.get(i).name() + "'", null);
			}
			if (length > 0 && !overflow) {
				try {
					total = Math.addExact(total, length);
				}
				catch (ArithmeticException ex) {
					overflow = true;
				}
			}
		}
		if (overflow || total != size) {
			return new RowMappingException("Row of table '" + this.table + "' is corrupt: its lengths add up to "
					+ (overflow ? "more than " + Long.MAX_VALUE : total) + " bytes but it has " + size
					+ " bytes of values", null);
		}
		return null;
	}

	private @Nullable Object decodeValue(int index, byte[] bytes, int offset, int length, Query.Row row, int size) {
		ValueDecoder decoder = this.decoders[index];
		if (decoder == null) {
			rejectWrongLengths(row, size);
			Column column = this.columns.get(index);
			throw new RowMappingException("Column '" + column.name() + "' of table '" + this.table
					+ "' has unsupported type " + column.type() + " (" + this.typeCodes[index] + ")", null);
		}
		try {
			return ValueDecoders.decode(this.kinds[index], decoder, bytes, offset, length);
		}
		catch (RuntimeException ex) {
			rejectWrongLengths(row, size);
			Column column = this.columns.get(index);
			String text = ValueDecoders.utf8(bytes, offset, Math.min(length, 64)) + ((length > 64) ? "..." : "");
			throw new RowMappingException("Cannot decode column '" + column.name() + "' of table '" + this.table + "' ("
					+ column.type() + "): value '" + text + "': " + ex.getMessage(), ex);
		}
	}

	@Override
	public String toString() {
		return "TableSchema[" + this.table + " " + this.columns + "]";
	}

	/**
	 * One column.
	 *
	 * @param name column name
	 * @param type Vitess type ({@code UNRECOGNIZED} for a type newer than this code)
	 * @param javaType the Java type {@link #decode} produces for it, see the class
	 * Javadoc
	 */
	public record Column(String name, Query.Type type, Class<?> javaType) {
	}

	/** The table and columns of a schema, with the hash code computed once. */
	static final class Shape {

		private final String table;

		private final List<Column> columns;

		private final int hash;

		Shape(String table, List<Column> columns) {
			this.table = table;
			this.columns = columns;
			this.hash = 31 * table.hashCode() + columns.hashCode();
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return (this == other) || (other instanceof Shape that && this.hash == that.hash
					&& this.table.equals(that.table) && this.columns.equals(that.columns));
		}

		@Override
		public int hashCode() {
			return this.hash;
		}

	}

}
