package dev.vstream.offset;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.vstream.position.StreamPosition;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcOperations;

/**
 * Stores positions in a relational table, one row per stream:
 *
 * <pre class="code">
 * stream_id  VARCHAR(255) PRIMARY KEY
 * position   text/CLOB    -- the JSON form of the position
 * updated_at TIMESTAMP
 * </pre>
 *
 * <p>
 * Every statement goes through the given {@link JdbcOperations}, so with a
 * {@code JdbcTemplate} a {@link #save} joins the Spring-managed transaction that is
 * active on the calling thread, if any: writes made by a listener and the position that
 * covers them are then committed or rolled back together.
 *
 * <p>
 * The upsert is chosen per database: {@code ON CONFLICT} on PostgreSQL,
 * {@code ON DUPLICATE KEY UPDATE} on MySQL and MariaDB, {@code MERGE} on H2, and an
 * update followed by an insert elsewhere.
 *
 * <p>
 * {@link #compareAndSave} locks the stream's row ({@code SELECT ... FOR UPDATE}; on other
 * databases a no-op {@code UPDATE} first), compares the stored position with the expected
 * one and only then writes, all in the caller's transaction when the connection has one
 * (a Spring-managed transaction in particular), else in a short transaction of its own. A
 * concurrent writer of the same row waits for that commit and then sees the new position.
 * A stored text that differs from the expected position's JSON is parsed and compared as
 * a position, so rows written by earlier versions (in another JSON form) need no
 * migration. On H2, which compares text exactly, the usual case (the row holds the
 * expected position's JSON) is settled first by a single
 * {@code UPDATE ... WHERE stream_id = ? AND position = ?}, atomic like the locked read
 * and write; only when it changes no row does the locked comparison above run.
 * {@link #createTableIfMissing()} runs the schema script of H2, PostgreSQL, MySQL or
 * MariaDB ({@link SchemaScript}); on other databases create the table beforehand.
 */
public class JdbcOffsetRepository implements OffsetRepository {

	/**
	 * The table used when none is given.
	 */
	public static final String DEFAULT_TABLE_NAME = "vstream_offset";

	// The name is spliced into SQL, so only plain identifiers (optionally
	// schema-qualified) are accepted; quoting would make the name case-sensitive on some
	// databases and not on others.
	private static final Pattern TABLE_NAME = Pattern
		.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

	private final JdbcOperations jdbc;

	private final String tableName;

	private final String selectSql;

	private final String updateSql;

	private final String insertSql;

	private final String deleteSql;

	private final String lockSql;

	private final String touchSql;

	private final String compareAndUpdateSql;

	private volatile @Nullable OffsetTableDialect dialect;

	/**
	 * Create a repository on the {@value #DEFAULT_TABLE_NAME} table.
	 * @param jdbc the JDBC operations, typically a {@code JdbcTemplate}
	 */
	public JdbcOffsetRepository(JdbcOperations jdbc) {
		this(jdbc, DEFAULT_TABLE_NAME);
	}

	/**
	 * Create a repository on the given table.
	 * @param jdbc the JDBC operations, typically a {@code JdbcTemplate}
	 * @param tableName the table name, optionally qualified by a schema; letters, digits
	 * and underscores only
	 * @throws IllegalArgumentException if the table name is not a plain identifier
	 */
	public JdbcOffsetRepository(JdbcOperations jdbc, String tableName) {
		this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
		this.tableName = validateTableName(tableName);
		this.selectSql = "SELECT position FROM " + this.tableName + " WHERE stream_id = ?";
		this.updateSql = "UPDATE " + this.tableName
				+ " SET position = ?, updated_at = CURRENT_TIMESTAMP WHERE stream_id = ?";
		this.insertSql = "INSERT INTO " + this.tableName
				+ " (stream_id, position, updated_at) VALUES (?, ?, CURRENT_TIMESTAMP)";
		this.deleteSql = "DELETE FROM " + this.tableName + " WHERE stream_id = ?";
		this.lockSql = this.selectSql + " FOR UPDATE";
		this.touchSql = "UPDATE " + this.tableName + " SET updated_at = updated_at WHERE stream_id = ?";
		this.compareAndUpdateSql = this.updateSql + " AND position = ?";
	}

	private static String validateTableName(String tableName) {
		if (tableName == null || !TABLE_NAME.matcher(tableName).matches()) {
			throw new IllegalArgumentException("Invalid offset table name '" + tableName
					+ "': use letters, digits and underscores only, optionally as schema.table");
		}
		return tableName;
	}

	/**
	 * The table this repository uses.
	 * @return the table name
	 */
	public String getTableName() {
		return this.tableName;
	}

	/**
	 * Create the table unless it exists, with the schema script of the database's
	 * platform ({@link SchemaScript#OFFSET_LOCATION}). Safe to call on every start and
	 * from several applications at once.
	 * @throws OffsetStoreException if the table cannot be created
	 */
	public void createTableIfMissing() {
		SchemaScript.offsets(this.tableName).createTablesIfMissing(this.jdbc);
	}

	@Override
	public Optional<StreamPosition> load(String streamId) {
		Objects.requireNonNull(streamId, "streamId");
		List<String> stored;
		try {
			stored = this.jdbc.queryForList(this.selectSql, String.class, streamId);
		}
		catch (DataAccessException ex) {
			throw failure("Cannot load the position of stream '" + streamId + "'", ex);
		}
		if (stored.isEmpty()) {
			return Optional.empty();
		}
		try {
			return Optional.of(StreamPosition.fromJson(stored.get(0)));
		}
		catch (IllegalArgumentException ex) {
			// Starting over from the configured start position would replay or skip
			// changes, so the stream must stop here and the row is left for an operator
			// to repair or delete.
			throw new OffsetStoreException(
					"Stored position of stream '" + streamId + "' in table '" + this.tableName
							+ "' cannot be read; it was left unchanged, repair or delete that row: " + ex.getMessage(),
					ex);
		}
	}

	@Override
	public void save(String streamId, StreamPosition position) {
		Objects.requireNonNull(streamId, "streamId");
		Objects.requireNonNull(position, "position");
		String json = position.toJson();
		try {
			upsert(streamId, json);
		}
		catch (DuplicateKeyException ex) {
			// Another writer inserted the first row of this stream between our update and
			// insert: the row exists now, so one more update settles it.
			try {
				this.jdbc.update(this.updateSql, json, streamId);
			}
			catch (DataAccessException retryEx) {
				retryEx.addSuppressed(ex);
				throw failure("Cannot save the position of stream '" + streamId + "'", retryEx);
			}
		}
		catch (DataAccessException ex) {
			throw failure("Cannot save the position of stream '" + streamId + "'", ex);
		}
	}

	private void upsert(String streamId, String json) {
		OffsetTableDialect dialect = dialect();
		String upsert = dialect.upsertSql(this.tableName);
		if (upsert == null) {
			if (this.jdbc.update(this.updateSql, json, streamId) == 0) {
				this.jdbc.update(this.insertSql, streamId, json);
			}
		}
		else {
			this.jdbc.update(upsert, (Object[]) dialect.upsertArguments(streamId, json));
		}
	}

	@Override
	public void compareAndSave(String streamId, @Nullable StreamPosition expected, StreamPosition position) {
		Objects.requireNonNull(streamId, "streamId");
		Objects.requireNonNull(position, "position");
		try {
			this.jdbc.execute((ConnectionCallback<Void>) (connection) -> {
				if (compareAndUpdate(connection, streamId, expected, position)) {
					return null;
				}
				if (!connection.getAutoCommit()) {
					// The caller's transaction: the row lock and the write belong to
					// it, and so does the rollback when the save is refused.
					compareAndWrite(connection, streamId, expected, position);
					return null;
				}
				connection.setAutoCommit(false);
				try {
					compareAndWrite(connection, streamId, expected, position);
					connection.commit();
				}
				catch (SQLException | RuntimeException ex) {
					connection.rollback();
					throw ex;
				}
				finally {
					connection.setAutoCommit(true);
				}
				return null;
			});
		}
		catch (DuplicateKeyException | ConcurrencyFailureException ex) {
			// Another writer inserted the first row, or held or changed the row so that
			// this transaction was refused: either way the position is no longer what was
			// expected.
			throw PositionConflictException.concurrentWrite(streamId, position, expected, ex);
		}
		catch (DataAccessException ex) {
			throw failure("Cannot save the position of stream '" + streamId + "'", ex);
		}
	}

	/**
	 * The usual save in one statement, where the database compares the stored text
	 * exactly (H2): replace the row only if it still holds the expected position's JSON.
	 * One statement, and one commit of its own unless the caller's transaction is open,
	 * instead of locking, reading, writing and committing: on the embedded H2 file every
	 * statement and commit of a save runs H2's parser and store code, at every
	 * transaction of an idle stream.
	 * @return whether the row was replaced; if not (no row, a row in an earlier JSON
	 * form, another writer's position, another database) the caller takes the long way,
	 * which tells these apart
	 */
	private boolean compareAndUpdate(Connection connection, String streamId, @Nullable StreamPosition expected,
			StreamPosition position) throws SQLException {
		if (expected == null || dialect(connection) != OffsetTableDialect.H2) {
			return false;
		}
		try (PreparedStatement update = connection.prepareStatement(this.compareAndUpdateSql)) {
			update.setString(1, position.toJson());
			update.setString(2, streamId);
			update.setString(3, expected.toJson());
			return update.executeUpdate() == 1;
		}
	}

	private OffsetTableDialect dialect(Connection connection) throws SQLException {
		OffsetTableDialect dialect = this.dialect;
		if (dialect == null) {
			dialect = OffsetTableDialect.of(connection.getMetaData());
			this.dialect = dialect;
		}
		return dialect;
	}

	private void compareAndWrite(Connection connection, String streamId, @Nullable StreamPosition expected,
			StreamPosition position) throws SQLException {
		OffsetTableDialect dialect = dialect(connection);
		if (dialect == OffsetTableDialect.GENERIC) {
			// Not every database has SELECT ... FOR UPDATE; an UPDATE locks the row
			// everywhere.
			execute(connection, this.touchSql, streamId);
		}
		String storedJson = null;
		boolean exists;
		try (PreparedStatement select = connection
			.prepareStatement((dialect == OffsetTableDialect.GENERIC) ? this.selectSql : this.lockSql)) {
			select.setString(1, streamId);
			try (ResultSet result = select.executeQuery()) {
				exists = result.next();
				if (exists) {
					storedJson = result.getString(1);
				}
			}
		}
		if (exists && expected != null && expected.toJson().equals(storedJson)) {
			// The usual case, settled without parsing: the row holds what this instance
			// wrote.
			execute(connection, this.updateSql, position.toJson(), streamId);
			return;
		}
		StreamPosition stored = null;
		if (exists) {
			try {
				stored = StreamPosition.fromJson(storedJson);
			}
			catch (IllegalArgumentException ex) {
				throw new OffsetStoreException("Stored position of stream '" + streamId + "' in table '"
						+ this.tableName + "' cannot be read; it was left unchanged, repair or delete that row: "
						+ ex.getMessage(), ex);
			}
		}
		if (!Objects.equals(stored, expected)) {
			throw new PositionConflictException(streamId, position, expected, stored);
		}
		if (exists) {
			execute(connection, this.updateSql, position.toJson(), streamId);
		}
		else {
			execute(connection, this.insertSql, streamId, position.toJson());
		}
	}

	private static void execute(Connection connection, String sql, String... values) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < values.length; i++) {
				statement.setString(i + 1, values[i]);
			}
			statement.executeUpdate();
		}
	}

	@Override
	public void delete(String streamId) {
		Objects.requireNonNull(streamId, "streamId");
		try {
			this.jdbc.update(this.deleteSql, streamId);
		}
		catch (DataAccessException ex) {
			throw failure("Cannot delete the position of stream '" + streamId + "'", ex);
		}
	}

	private OffsetStoreException failure(String what, DataAccessException ex) {
		String hint = (ex instanceof BadSqlGrammarException)
				? " (does the table exist? vstream.jdbc.initialize-schema=true, the default, creates it at start-up, "
						+ "as does JdbcOffsetRepository.createTableIfMissing())"
				: "";
		return new OffsetStoreException(what + " in table '" + this.tableName + "'" + hint + ": " + ex.getMessage(),
				ex);
	}

	private OffsetTableDialect dialect() {
		OffsetTableDialect dialect = this.dialect;
		if (dialect == null) {
			// Looked up on first use rather than in the constructor, so that creating the
			// repository does not need a reachable database.
			dialect = this.jdbc.execute((ConnectionCallback<OffsetTableDialect>) (connection) -> OffsetTableDialect
				.of(connection.getMetaData()));
			this.dialect = dialect;
		}
		return dialect;
	}

}
