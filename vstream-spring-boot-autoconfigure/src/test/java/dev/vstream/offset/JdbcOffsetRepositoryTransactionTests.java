package dev.vstream.offset;

import java.sql.SQLException;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link JdbcOffsetRepository#save} joins the Spring transaction of the calling thread,
 * so that a listener's writes and the position covering them are committed or rolled back
 * together.
 */
class JdbcOffsetRepositoryTransactionTests {

	private HikariDataSource dataSource;

	private JdbcTemplate jdbcTemplate;

	private JdbcOffsetRepository repository;

	private TransactionTemplate transactionTemplate;

	@BeforeEach
	void createTables() {
		this.dataSource = new HikariDataSource();
		this.dataSource.setJdbcUrl("jdbc:h2:mem:offset-tx;DB_CLOSE_DELAY=-1");
		this.dataSource.setMaximumPoolSize(4);
		this.jdbcTemplate = new JdbcTemplate(this.dataSource);
		this.repository = new JdbcOffsetRepository(this.jdbcTemplate);
		this.repository.createTableIfMissing();
		this.jdbcTemplate.execute("CREATE TABLE IF NOT EXISTS orders (id BIGINT PRIMARY KEY)");
		this.transactionTemplate = new TransactionTemplate(new DataSourceTransactionManager(this.dataSource));
	}

	@AfterEach
	void dropTables() {
		this.jdbcTemplate.execute("DROP TABLE orders");
		this.jdbcTemplate.execute("DROP TABLE vstream_offset");
		this.dataSource.close();
	}

	@Test
	void saveRolledBackWithTheTransactionIsNotStored() {
		this.transactionTemplate.executeWithoutResult((status) -> {
			this.repository.save("orders", OffsetRepositoryContractTests.position(1));
			// The transaction sees its own write: the save really ran, on the
			// transaction's connection.
			assertThat(this.repository.load("orders")).contains(OffsetRepositoryContractTests.position(1));
			status.setRollbackOnly();
		});

		assertThat(this.repository.load("orders")).isEmpty();
	}

	@Test
	void saveCommittedWithTheTransactionIsStored() {
		this.transactionTemplate.executeWithoutResult((status) -> {
			this.repository.save("orders", OffsetRepositoryContractTests.position(1));
			// Other connections do not see it before the commit.
			assertThat(otherConnectionSeesPosition()).isFalse();
		});

		assertThat(this.repository.load("orders")).contains(OffsetRepositoryContractTests.position(1));
	}

	@Test
	void overwriteRolledBackKeepsThePreviousPosition() {
		this.repository.save("orders", OffsetRepositoryContractTests.position(1));

		this.transactionTemplate.executeWithoutResult((status) -> {
			this.repository.save("orders", OffsetRepositoryContractTests.position(2));
			status.setRollbackOnly();
		});

		assertThat(this.repository.load("orders")).contains(OffsetRepositoryContractTests.position(1));
	}

	@Test
	void listenerWritesAndPositionRollBackTogetherWhenTheListenerFails() {
		assertThatIllegalStateException().isThrownBy(() -> this.transactionTemplate.executeWithoutResult((status) -> {
			this.jdbcTemplate.update("INSERT INTO orders (id) VALUES (?)", 1L);
			this.repository.save("orders", OffsetRepositoryContractTests.position(1));
			throw new IllegalStateException("listener failed");
		}));

		assertThat(this.jdbcTemplate.queryForObject("SELECT COUNT(*) FROM orders", Integer.class)).isZero();
		assertThat(this.repository.load("orders")).isEmpty();
	}

	@Test
	void listenerWritesAndPositionCommitTogether() {
		this.transactionTemplate.executeWithoutResult((status) -> {
			this.jdbcTemplate.update("INSERT INTO orders (id) VALUES (?)", 1L);
			this.repository.save("orders", OffsetRepositoryContractTests.position(1));
		});

		assertThat(this.jdbcTemplate.queryForObject("SELECT COUNT(*) FROM orders", Integer.class)).isOne();
		assertThat(this.repository.load("orders")).contains(OffsetRepositoryContractTests.position(1));
	}

	private boolean otherConnectionSeesPosition() {
		// A connection taken straight from the pool is outside the transaction.
		try (var connection = this.dataSource.getConnection();
				var statement = connection
					.prepareStatement("SELECT COUNT(*) FROM vstream_offset WHERE stream_id = ?")) {
			statement.setString(1, "orders");
			try (var result = statement.executeQuery()) {
				result.next();
				return result.getInt(1) > 0;
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
