package dev.vstream.offset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link JdbcOffsetRepository} on an in-memory H2 database, on the default table.
 */
class H2JdbcOffsetRepositoryTests extends JdbcOffsetRepositoryContractTests {

	@RegisterExtension
	static final JdbcOffsetDatabase database = JdbcOffsetDatabase.h2("offset-contract");

	H2JdbcOffsetRepositoryTests() {
		super(database);
	}

	@Test
	void defaultTableIsVstreamOffset() {
		assertThat(repository().getTableName()).isEqualTo("vstream_offset");
	}

	@Test
	void schemaQualifiedTableNameIsAccepted() {
		jdbcTemplate().execute("CREATE SCHEMA IF NOT EXISTS cdc");
		JdbcOffsetRepository qualified = new JdbcOffsetRepository(jdbcTemplate(), "cdc.stream_positions");
		qualified.createTableIfMissing();
		String id = streamId("orders");

		qualified.save(id, position(4));

		assertThat(qualified.load(id)).contains(position(4));
		assertThat(repository().load(id)).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "vstream offset", "offsets; DROP TABLE users", "offsets--", "\"offsets\"", "1offsets",
			"a.b.c", "offset`s", "vstream_offset'" })
	void tableNameThatIsNotAPlainIdentifierIsRejected(String tableName) {
		assertThatIllegalArgumentException().isThrownBy(() -> new JdbcOffsetRepository(jdbcTemplate(), tableName))
			.withMessageContaining("Invalid offset table name");
	}

}
