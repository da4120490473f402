package dev.vstream.offset;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link JdbcOffsetRepository} on a real PostgreSQL server (see
 * {@link OffsetTestServices}).
 */
class PostgresJdbcOffsetRepositoryTests extends JdbcOffsetRepositoryContractTests {

	@RegisterExtension
	static final JdbcOffsetDatabase database = JdbcOffsetDatabase.server("POSTGRES", "PostgreSQL");

	PostgresJdbcOffsetRepositoryTests() {
		super(database);
	}

}
