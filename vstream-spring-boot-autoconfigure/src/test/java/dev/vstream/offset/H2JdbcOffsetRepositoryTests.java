package dev.vstream.offset;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
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

	@Test
	void compareAndSaveOfTheExpectedPositionIsOneStatementAndCommit() {
		String id = streamId("one-statement");
		repository().compareAndSave(id, null, position(1));
		List<String> calls = new CopyOnWriteArrayList<>();
		JdbcOffsetRepository recorded = new JdbcOffsetRepository(recording(calls), repository().getTableName());

		recorded.compareAndSave(id, position(1), position(2));

		assertThat(calls).singleElement().asString().startsWith("prepareStatement UPDATE").endsWith("AND position = ?");
		assertThat(repository().load(id)).contains(position(2));
	}

	@Test
	void compareAndSaveFallsBackToTheLockedComparisonWhenTheRowHoldsAnotherText() {
		String id = streamId("fallback");
		repository().compareAndSave(id, null, position(1));
		List<String> calls = new CopyOnWriteArrayList<>();
		JdbcOffsetRepository recorded = new JdbcOffsetRepository(recording(calls), repository().getTableName());

		assertThatExceptionOfType(PositionConflictException.class)
			.isThrownBy(() -> recorded.compareAndSave(id, position(3), position(4)));

		assertThat(calls).anySatisfy((call) -> assertThat(call).endsWith("FOR UPDATE"));
		assertThat(repository().load(id)).contains(position(1));
	}

	/**
	 * A JdbcTemplate on the test database that records the statements prepared and the
	 * commits of the connections it hands out.
	 */
	private JdbcTemplate recording(List<String> calls) {
		JdbcTemplate jdbc = new JdbcTemplate(jdbcTemplate().getDataSource()) {

			@Override
			public <T> T execute(ConnectionCallback<T> action) {
				return super.execute((ConnectionCallback<T>) (connection) -> action
					.doInConnection((Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
							new Class<?>[] { Connection.class }, (proxy, method, args) -> {
								if (method.getName().equals("prepareStatement")) {
									calls.add("prepareStatement " + args[0]);
								}
								else if (method.getName().equals("commit")
										|| method.getName().equals("setAutoCommit")) {
									calls.add(method.getName());
								}
								try {
									return method.invoke(connection, args);
								}
								catch (InvocationTargetException ex) {
									throw ex.getCause();
								}
							})));
			}

		};
		return jdbc;
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "vstream offset", "offsets; DROP TABLE users", "offsets--", "\"offsets\"", "1offsets",
			"a.b.c", "offset`s", "vstream_offset'" })
	void tableNameThatIsNotAPlainIdentifierIsRejected(String tableName) {
		assertThatIllegalArgumentException().isThrownBy(() -> new JdbcOffsetRepository(jdbcTemplate(), tableName))
			.withMessageContaining("Invalid offset table name");
	}

}
