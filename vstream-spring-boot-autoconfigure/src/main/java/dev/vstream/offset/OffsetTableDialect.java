package dev.vstream.offset;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * What differs between databases for {@link JdbcOffsetRepository}'s statements: the
 * single-statement upsert of a position. The table's DDL is in the per-platform schema
 * scripts ({@link SchemaScript}).
 */
enum OffsetTableDialect {

	H2, POSTGRESQL, MYSQL, GENERIC;

	static OffsetTableDialect of(DatabaseMetaData metaData) throws SQLException {
		String product = String.valueOf(metaData.getDatabaseProductName()).toLowerCase(Locale.ROOT);
		if (product.contains("postgresql")) {
			return POSTGRESQL;
		}
		if (product.contains("mysql") || product.contains("mariadb")) {
			return MYSQL;
		}
		if (product.equals("h2")) {
			return H2;
		}
		return GENERIC;
	}

	/**
	 * The statement that inserts or replaces a stream's position, with the stream id and
	 * the position's JSON as its arguments ({@link #upsertArguments}).
	 * @param table the table
	 * @return the statement, {@code null} when the database has none (update, then
	 * insert)
	 */
	@Nullable String upsertSql(String table) {
		return switch (this) {
			case POSTGRESQL -> "INSERT INTO " + table
					+ " (stream_id, position, updated_at) VALUES (?, ?, CURRENT_TIMESTAMP) ON CONFLICT (stream_id)"
					+ " DO UPDATE SET position = EXCLUDED.position, updated_at = EXCLUDED.updated_at";
			// The value is bound twice rather than read back with VALUES(), which MySQL 8
			// deprecates and whose replacement MariaDB does not understand.
			case MYSQL ->
				"INSERT INTO " + table + " (stream_id, position, updated_at) VALUES (?, ?, CURRENT_TIMESTAMP(3))"
						+ " ON DUPLICATE KEY UPDATE position = ?, updated_at = CURRENT_TIMESTAMP(3)";
			case H2 -> "MERGE INTO " + table
					+ " (stream_id, position, updated_at) KEY (stream_id) VALUES (?, ?, CURRENT_TIMESTAMP)";
			case GENERIC -> null;
		};
	}

	String[] upsertArguments(String streamId, String json) {
		return (this == MYSQL) ? new String[] { streamId, json, json } : new String[] { streamId, json };
	}

}
