package dev.vstream.offset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.datasource.init.ScriptUtils;
import org.springframework.util.StreamUtils;

/**
 * A per-platform schema script of the starter's tables ({@code schema-h2.sql},
 * {@code schema-postgresql.sql}, {@code schema-mysql.sql} for MySQL and MariaDB, on the
 * class path), with the table names it creates replaced by the configured ones. The same
 * scripts serve {@code createTableIfMissing()} and Spring Boot's script initializers;
 * they can also be run as they are (by {@code spring.sql.init}, Flyway or a DBA) for the
 * default table names.
 *
 * <p>
 * Each statement is a {@code CREATE TABLE IF NOT EXISTS}: running a script again, or from
 * several applications at once, keeps the table and its rows.
 */
public final class SchemaScript {

	/**
	 * The placeholder of a location that stands for the database platform.
	 */
	public static final String PLATFORM_PLACEHOLDER = "@@platform@@";

	/**
	 * The offset table of {@link JdbcOffsetRepository}, created as
	 * {@value JdbcOffsetRepository#DEFAULT_TABLE_NAME}.
	 */
	public static final String OFFSET_LOCATION = "classpath:dev/vstream/offset/schema-@@platform@@.sql";

	/**
	 * The run marker table of {@link JdbcStreamRunMarker}, created as
	 * {@code vstream_offset_run}.
	 */
	public static final String RUN_MARKER_LOCATION = "classpath:dev/vstream/offset/schema-run-@@platform@@.sql";

	/**
	 * The lock table of Spring Integration's {@code DefaultLockRepository}, created as
	 * {@code INT_LOCK} with the primary key {@code INT_LOCK_PK}.
	 */
	public static final String LOCK_LOCATION = "classpath:dev/vstream/scaling/schema-lock-@@platform@@.sql";

	private static final String CLASSPATH = "classpath:";

	private static final Pattern TABLE_NAME = Pattern
		.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

	private final String location;

	private final Map<String, String> names;

	private final List<String> tables;

	private SchemaScript(String location, Map<String, String> names, List<String> tables) {
		this.location = location;
		this.names = names;
		this.tables = tables;
	}

	/**
	 * The script of the offset table.
	 * @param tableName the offset table's name
	 * @return the script
	 */
	public static SchemaScript offsets(String tableName) {
		return new SchemaScript(OFFSET_LOCATION, Map.of(JdbcOffsetRepository.DEFAULT_TABLE_NAME, valid(tableName)),
				List.of(tableName));
	}

	/**
	 * The script of the run marker table.
	 * @param tableName the run marker table's name
	 * @return the script
	 */
	public static SchemaScript runMarker(String tableName) {
		return new SchemaScript(RUN_MARKER_LOCATION,
				Map.of(JdbcOffsetRepository.DEFAULT_TABLE_NAME + JdbcStreamRunMarker.TABLE_SUFFIX, valid(tableName)),
				List.of(tableName));
	}

	/**
	 * The script of Spring Integration's lock table.
	 * @param tablePrefix the lock repository's table prefix ({@code INT_} by default)
	 * @return the script
	 */
	public static SchemaScript locks(String tablePrefix) {
		String table = valid(tablePrefix + "LOCK");
		// The key's name is not schema-qualified.
		Map<String, String> names = new LinkedHashMap<>();
		names.put("INT_LOCK_PK", table.replace('.', '_') + "_PK");
		names.put("INT_LOCK", table);
		return new SchemaScript(LOCK_LOCATION, names, List.of(table));
	}

	private static String valid(String tableName) {
		if (tableName == null || !TABLE_NAME.matcher(tableName).matches()) {
			throw new IllegalArgumentException("Invalid table name '" + tableName
					+ "': use letters, digits and underscores only, optionally as schema.table");
		}
		return tableName;
	}

	/**
	 * The platform of a database as the script names use it: {@code h2},
	 * {@code postgresql}, {@code mysql} (MySQL and MariaDB), else the product name in
	 * lower case (for which the starter has no script).
	 * @param metaData the database's metadata
	 * @return the platform
	 * @throws SQLException if the metadata cannot be read
	 */
	public static String platform(DatabaseMetaData metaData) throws SQLException {
		String product = String.valueOf(metaData.getDatabaseProductName()).toLowerCase(Locale.ROOT);
		if (product.contains("postgresql")) {
			return "postgresql";
		}
		if (product.contains("mysql") || product.contains("mariadb")) {
			return "mysql";
		}
		return product.replace(' ', '_');
	}

	/**
	 * The location of the script, with {@value #PLATFORM_PLACEHOLDER} in it.
	 * @return the location
	 */
	public String getLocation() {
		return this.location;
	}

	/**
	 * The location of the script of a platform.
	 * @param platform the platform
	 * @return the location
	 */
	public String location(String platform) {
		return this.location.replace(PLATFORM_PLACEHOLDER, platform);
	}

	/**
	 * The tables the script creates, by their configured names.
	 * @return the table names
	 */
	public List<String> getTables() {
		return this.tables;
	}

	/**
	 * A script with the default table names replaced by the configured ones.
	 * @param script the script as shipped (or as given by the application)
	 * @return the script to run
	 */
	public Resource withTableNames(Resource script) {
		String sql;
		try {
			sql = StreamUtils.copyToString(script.getInputStream(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read schema script " + script, ex);
		}
		return new ByteArrayResource(withTableNames(sql).getBytes(StandardCharsets.UTF_8),
				script.getDescription() + " for " + this.tables);
	}

	String withTableNames(String sql) {
		String result = sql;
		for (Map.Entry<String, String> name : this.names.entrySet()) {
			Pattern word = Pattern.compile("(?<![A-Za-z0-9_.])" + Pattern.quote(name.getKey()) + "(?![A-Za-z0-9_])");
			result = word.matcher(result).replaceAll(Matcher.quoteReplacement(name.getValue()));
		}
		return result;
	}

	/**
	 * Whether every table of the script exists.
	 * @param jdbc the database
	 * @return whether each table can be queried
	 */
	public boolean tablesExist(JdbcOperations jdbc) {
		try {
			for (String table : this.tables) {
				jdbc.queryForList("SELECT 1 FROM " + table + " WHERE 1 = 0");
			}
			return true;
		}
		catch (DataAccessException ex) {
			return false;
		}
	}

	/**
	 * Run the script of the database's platform unless its tables exist. Safe to call on
	 * every start and from several applications at once.
	 * @param jdbc the database
	 * @throws OffsetStoreException if the database cannot be reached, has no script, or
	 * the tables can neither be created nor found
	 */
	public void createTablesIfMissing(JdbcOperations jdbc) {
		createTablesIfMissing(jdbc, null);
	}

	/**
	 * Run the script of the given platform unless its tables exist. Safe to call on every
	 * start and from several applications at once.
	 * @param jdbc the database
	 * @param platform the platform of the script, {@code null} or empty to detect it
	 * @throws OffsetStoreException if the database cannot be reached, has no script, or
	 * the tables can neither be created nor found
	 */
	public void createTablesIfMissing(JdbcOperations jdbc, @Nullable String platform) {
		Objects.requireNonNull(jdbc, "jdbc");
		String resolved = platform;
		if (resolved == null || resolved.isEmpty()) {
			try {
				resolved = jdbc
					.execute((ConnectionCallback<String>) (connection) -> platform(connection.getMetaData()));
			}
			catch (DataAccessException ex) {
				throw new OffsetStoreException(
						"Cannot create table " + this.tables + ": the database cannot be reached", ex);
			}
		}
		Resource script = new ClassPathResource(location(resolved).substring(CLASSPATH.length()),
				SchemaScript.class.getClassLoader());
		if (!script.exists()) {
			if (tablesExist(jdbc)) {
				return;
			}
			throw new OffsetStoreException("No schema script for " + resolved + " at " + this.location
					+ ": create table " + this.tables + " beforehand (see the scripts for H2, PostgreSQL and MySQL "
					+ "next to it), or add one of your own at that location", null);
		}
		Resource named = withTableNames(script);
		try {
			jdbc.execute((ConnectionCallback<Void>) (connection) -> {
				ScriptUtils.executeSqlScript(connection, named);
				return null;
			});
		}
		catch (DataAccessException ex) {
			// Two applications starting together can both pass the IF NOT EXISTS check;
			// PostgreSQL then fails the second one on its catalog's unique index. The
			// table exists either way.
			if (!tablesExist(jdbc)) {
				throw new OffsetStoreException("Cannot create table " + this.tables + " with " + script, ex);
			}
		}
	}

}
