package dev.vstream.offset;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link JdbcOffsetRepository} on an in-memory H2 database, on the default table.
 */
class H2JdbcOffsetRepositoryTests extends JdbcOffsetRepositoryContractTests {

	private static HikariDataSource dataSource;

	private static JdbcTemplate jdbcTemplate;

	private static JdbcOffsetRepository repository;

	@BeforeAll
	static void createTable() {
		dataSource = new HikariDataSource();
		dataSource.setJdbcUrl("jdbc:h2:mem:offset-contract;DB_CLOSE_DELAY=-1");
		dataSource.setMaximumPoolSize(8);
		jdbcTemplate = new JdbcTemplate(dataSource);
		repository = new JdbcOffsetRepository(jdbcTemplate);
		repository.createTableIfMissing();
	}

	@AfterAll
	static void closeDatabase() {
		jdbcTemplate.execute("DROP TABLE " + repository.getTableName());
		dataSource.close();
	}

	@Override
	protected JdbcTemplate jdbcTemplate() {
		return jdbcTemplate;
	}

	@Override
	protected JdbcOffsetRepository repository() {
		return repository;
	}

	@Test
	void defaultTableIsVstreamOffset() {
		assertThat(repository.getTableName()).isEqualTo("vstream_offset");
	}

	@Test
	void schemaQualifiedTableNameIsAccepted() {
		jdbcTemplate.execute("CREATE SCHEMA IF NOT EXISTS cdc");
		JdbcOffsetRepository qualified = new JdbcOffsetRepository(jdbcTemplate, "cdc.stream_positions");
		qualified.createTableIfMissing();
		String id = streamId("orders");

		qualified.save(id, position(4));

		assertThat(qualified.load(id)).contains(position(4));
		assertThat(repository.load(id)).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "vstream offset", "offsets; DROP TABLE users", "offsets--", "\"offsets\"",
			"1offsets", "a.b.c", "offset`s", "vstream_offset'" })
	void tableNameThatIsNotAPlainIdentifierIsRejected(String tableName) {
		assertThatIllegalArgumentException().isThrownBy(() -> new JdbcOffsetRepository(jdbcTemplate, tableName))
			.withMessageContaining("Invalid offset table name");
	}

}
