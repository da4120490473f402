package dev.vstream.mapping;

import java.util.List;

import binlogdata.Binlogdata.FieldEvent;
import io.vitess.proto.Query;

/**
 * The columns of one table as announced by a FIELD event, able to decode that table's rows
 * ({@code lengths} + {@code values}) into Java values. Built once per FIELD event.
 */
public final class TableSchema {

	// SKELETON: implemented by the mapping work (see package-info)

	private TableSchema() {
	}

	/**
	 * Build the schema of a FIELD event.
	 * @param event the FIELD event
	 * @return the schema
	 */
	public static TableSchema of(FieldEvent event) {
		throw new UnsupportedOperationException("not yet");
	}

	/** @return the table name without keyspace prefix */
	public String table() {
		throw new UnsupportedOperationException("not yet");
	}

	/** @return the columns in row order */
	public List<Column> columns() {
		throw new UnsupportedOperationException("not yet");
	}

	/**
	 * Decode one row image.
	 * @param row the row
	 * @return one Java value per column (null for SQL NULL)
	 * @throws RowMappingException when the bytes do not match the columns
	 */
	public Object[] decode(Query.Row row) {
		throw new UnsupportedOperationException("not yet");
	}

	/**
	 * One column.
	 * @param name column name
	 * @param type Vitess type
	 * @param javaType the Java type {@link #decode} produces for it
	 */
	public record Column(String name, Query.Type type, Class<?> javaType) {
	}

}
