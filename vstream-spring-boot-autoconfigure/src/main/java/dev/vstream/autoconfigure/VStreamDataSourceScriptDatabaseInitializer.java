package dev.vstream.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

import dev.vstream.offset.OffsetStoreException;
import dev.vstream.offset.SchemaScript;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.core.io.Resource;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;

/**
 * Spring Boot's script initializer for one of the starter's tables (offsets, run markers,
 * locks): runs the table's schema script of the database's platform
 * ({@link SchemaScript}, {@code @@platform@@} resolved from the database or
 * {@code vstream.jdbc.platform}) as {@code vstream.jdbc.initialize-schema} or
 * {@code vstream.scaling.jdbc.initialize-schema} says, with the configured table names.
 * As a {@link DataSourceScriptDatabaseInitializer}, beans that depend on database
 * initialization wait for it, as for Spring Batch's or Spring Session's.
 *
 * <p>
 * The starter's embedded H2 file counts as an embedded database for
 * {@link DatabaseInitializationMode#EMBEDDED}. When a script cannot run because the
 * tables exist already (two instances starting together, or no DDL rights), the tables
 * are used as they are.
 */
public class VStreamDataSourceScriptDatabaseInitializer extends DataSourceScriptDatabaseInitializer {

	private static final String OPTIONAL = "optional:";

	private final DataSource dataSource;

	private final SchemaScript script;

	private final DatabaseInitializationMode mode;

	private final boolean embedded;

	private final String location;

	/**
	 * Create an initializer.
	 * @param dataSource the database of the table
	 * @param script the table's script
	 * @param mode when to run it
	 * @param platform the platform of the script, empty to detect it from the database
	 * @param embedded whether the database is the starter's embedded one (an embedded
	 * database whatever its URL)
	 */
	public VStreamDataSourceScriptDatabaseInitializer(DataSource dataSource, SchemaScript script,
			DatabaseInitializationMode mode, String platform, boolean embedded) {
		this(dataSource, script, mode, embedded,
				(mode != DatabaseInitializationMode.NEVER) ? script.location(platform(dataSource, platform)) : "");
	}

	private VStreamDataSourceScriptDatabaseInitializer(DataSource dataSource, SchemaScript script,
			DatabaseInitializationMode mode, boolean embedded, String location) {
		super(dataSource, settings(mode, location));
		this.dataSource = dataSource;
		this.script = script;
		this.mode = mode;
		this.embedded = embedded;
		this.location = location;
	}

	private static DatabaseInitializationSettings settings(DatabaseInitializationMode mode, String location) {
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		// Optional: a platform without a script is reported below, naming what to do.
		settings.setSchemaLocations(location.isEmpty() ? List.of() : List.of(OPTIONAL + location));
		settings.setMode(mode);
		return settings;
	}

	private static String platform(DataSource dataSource, String platform) {
		if (!platform.isEmpty()) {
			return platform;
		}
		try {
			return JdbcUtils.extractDatabaseMetaData(dataSource, SchemaScript::platform);
		}
		catch (MetaDataAccessException ex) {
			throw new OffsetStoreException("Cannot tell the platform of the database to initialize: the database "
					+ "cannot be reached (or set vstream.jdbc.platform)", ex);
		}
	}

	/**
	 * The script this initializer runs.
	 * @return the location of the script, empty with mode never
	 */
	public String getLocation() {
		return this.location;
	}

	/**
	 * The tables this initializer creates.
	 * @return their names
	 */
	public List<String> getTables() {
		return this.script.getTables();
	}

	@Override
	public boolean initializeDatabase() {
		boolean initialized = super.initializeDatabase();
		boolean wanted = this.mode == DatabaseInitializationMode.ALWAYS
				|| (this.mode == DatabaseInitializationMode.EMBEDDED && isEmbeddedDatabase());
		if (wanted && !initialized && !this.script.tablesExist(new JdbcTemplate(this.dataSource))) {
			throw new OffsetStoreException("No schema script at " + this.location + " for table "
					+ this.script.getTables() + ": create it beforehand (see the scripts for h2, postgresql and mysql "
					+ "next to it) and set its initialize-schema=never, or put a script of your own at that location "
					+ "(or name one with vstream.jdbc.platform)", null);
		}
		return initialized;
	}

	@Override
	protected boolean isEmbeddedDatabase() {
		return this.embedded || super.isEmbeddedDatabase();
	}

	@Override
	protected void runScripts(Scripts scripts) {
		List<Resource> resources = new ArrayList<>();
		scripts.forEach((resource) -> resources.add(this.script.withTableNames(resource)));
		try {
			super.runScripts(new Scripts(resources).continueOnError(scripts.isContinueOnError())
				.separator(scripts.getSeparator())
				.encoding(scripts.getEncoding()));
		}
		catch (DataAccessException ex) {
			// Two applications starting together can both pass the IF NOT EXISTS check
			// (PostgreSQL then fails the second on its catalog's unique index); the
			// tables
			// exist either way.
			if (!this.script.tablesExist(new JdbcTemplate(this.dataSource))) {
				throw ex;
			}
		}
	}

	@Override
	public String toString() {
		return "VStreamDataSourceScriptDatabaseInitializer[" + this.script.getTables() + ", " + this.mode + ", "
				+ this.location + "]";
	}

}
