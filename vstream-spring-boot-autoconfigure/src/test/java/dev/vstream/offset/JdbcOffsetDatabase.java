package dev.vstream.offset;

import java.util.function.Supplier;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The database of a {@link JdbcOffsetRepositoryContractTests} class, registered as a
 * static {@code @RegisterExtension} field: before the class's tests it connects and
 * creates the offset table, after them it drops the table and closes the pool.
 */
final class JdbcOffsetDatabase implements BeforeAllCallback, AfterAllCallback {

	private final Supplier<HikariDataSource> connect;

	private final @Nullable String tableName;

	// Set before the class's tests, by beforeAll.
	private HikariDataSource dataSource;

	private JdbcTemplate jdbcTemplate;

	private JdbcOffsetRepository repository;

	private JdbcOffsetDatabase(Supplier<HikariDataSource> connect, @Nullable String tableName) {
		this.connect = connect;
		this.tableName = tableName;
	}

	/**
	 * A real server (see {@link OffsetTestServices}), on a table of its own for each run
	 * so that runs sharing the server do not meet.
	 * @param service the middle part of the setting names: {@code POSTGRES} or
	 * {@code MARIADB}
	 * @param displayName the server's name for messages
	 */
	static JdbcOffsetDatabase server(String service, String displayName) {
		return new JdbcOffsetDatabase(() -> OffsetTestServices.dataSource(service, displayName),
				JdbcOffsetRepositoryContractTests.uniqueTableName());
	}

	/**
	 * An in-memory H2 database, on the repository's default table.
	 * @param name the database name
	 */
	static JdbcOffsetDatabase h2(String name) {
		return new JdbcOffsetDatabase(() -> {
			HikariDataSource dataSource = new HikariDataSource();
			dataSource.setJdbcUrl("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
			dataSource.setMaximumPoolSize(8);
			return dataSource;
		}, null);
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.dataSource = this.connect.get();
		this.jdbcTemplate = new JdbcTemplate(this.dataSource);
		this.repository = (this.tableName != null) ? new JdbcOffsetRepository(this.jdbcTemplate, this.tableName)
				: new JdbcOffsetRepository(this.jdbcTemplate);
		this.repository.createTableIfMissing();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.dataSource != null) {
			try {
				this.jdbcTemplate.execute("DROP TABLE IF EXISTS " + this.repository.getTableName());
			}
			finally {
				this.dataSource.close();
			}
		}
	}

	JdbcTemplate jdbcTemplate() {
		return this.jdbcTemplate;
	}

	JdbcOffsetRepository repository() {
		return this.repository;
	}

}
