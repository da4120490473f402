package dev.vstream.offset;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link JdbcOffsetRepository} on a real MariaDB server (see {@link OffsetTestServices}).
 */
class MariaDbJdbcOffsetRepositoryTests extends JdbcOffsetRepositoryContractTests {

	@RegisterExtension
	static final JdbcOffsetDatabase database = JdbcOffsetDatabase.server("MARIADB", "MariaDB");

	MariaDbJdbcOffsetRepositoryTests() {
		super(database);
	}

}
