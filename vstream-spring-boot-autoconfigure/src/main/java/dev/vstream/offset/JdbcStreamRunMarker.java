package dev.vstream.offset;

import java.util.Objects;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcOperations;

/**
 * Keeps run markers in a relational table, one row per stream that has saved a position:
 *
 * <pre class="code">
 * stream_id    VARCHAR(255) PRIMARY KEY
 * first_run_at TIMESTAMP
 * </pre>
 *
 * <p>
 * In another table than the offsets, it survives the offset table being truncated or the
 * offset store (Redis) losing its data; not the loss of its own database.
 */
public class JdbcStreamRunMarker implements StreamRunMarker {

	/**
	 * The suffix added to the offset table's name to name the marker table.
	 */
	public static final String TABLE_SUFFIX = "_run";

	private final JdbcOperations jdbc;

	private final String tableName;

	/**
	 * Create a marker on the given table.
	 * @param jdbc the JDBC operations, typically a {@code JdbcTemplate}
	 * @param tableName the table name, optionally qualified by a schema; letters, digits
	 * and underscores only
	 * @throws IllegalArgumentException if the table name is not a plain identifier
	 */
	public JdbcStreamRunMarker(JdbcOperations jdbc, String tableName) {
		this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
		if (tableName == null || !tableName.matches("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?")) {
			throw new IllegalArgumentException("Invalid run marker table name '" + tableName
					+ "': use letters, digits and underscores only, optionally as schema.table");
		}
		this.tableName = tableName;
	}

	/**
	 * @return the table this marker uses
	 */
	public String getTableName() {
		return this.tableName;
	}

	/**
	 * Create the table unless it exists, with the schema script of the database's
	 * platform ({@link SchemaScript#RUN_MARKER_LOCATION}). Safe to call on every start
	 * and from several applications at once.
	 * @throws OffsetStoreException if the table cannot be created
	 */
	public void createTableIfMissing() {
		SchemaScript.runMarker(this.tableName).createTablesIfMissing(this.jdbc);
	}

	@Override
	public boolean hasRun(String streamId) {
		Integer count = this.jdbc.queryForObject("SELECT COUNT(*) FROM " + this.tableName + " WHERE stream_id = ?",
				Integer.class, streamId);
		return count != null && count > 0;
	}

	@Override
	public void markRun(String streamId) {
		if (hasRun(streamId)) {
			return;
		}
		try {
			this.jdbc.update(
					"INSERT INTO " + this.tableName + " (stream_id, first_run_at) VALUES (?, CURRENT_TIMESTAMP)",
					streamId);
		}
		catch (DuplicateKeyException ex) {
			// Another instance marked it first: marked either way.
		}
	}

	@Override
	public void forget(String streamId) {
		this.jdbc.update("DELETE FROM " + this.tableName + " WHERE stream_id = ?", streamId);
	}

	@Override
	public String describe() {
		return "table " + this.tableName;
	}

}
