package dev.vstream.offset;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@link JdbcOffsetRepository} on a real MariaDB server (see {@link OffsetTestServices}).
 */
class MariaDbJdbcOffsetRepositoryTests extends JdbcOffsetRepositoryContractTests {

	private static HikariDataSource dataSource;

	private static JdbcTemplate jdbcTemplate;

	private static JdbcOffsetRepository repository;

	@BeforeAll
	static void createTable() {
		dataSource = OffsetTestServices.dataSource("MARIADB", "MariaDB");
		jdbcTemplate = new JdbcTemplate(dataSource);
		repository = new JdbcOffsetRepository(jdbcTemplate, uniqueTableName());
		repository.createTableIfMissing();
	}

	@AfterAll
	static void dropTable() {
		if (dataSource != null) {
			jdbcTemplate.execute("DROP TABLE IF EXISTS " + repository.getTableName());
			dataSource.close();
		}
	}

	@Override
	protected JdbcTemplate jdbcTemplate() {
		return jdbcTemplate;
	}

	@Override
	protected JdbcOffsetRepository repository() {
		return repository;
	}

}
