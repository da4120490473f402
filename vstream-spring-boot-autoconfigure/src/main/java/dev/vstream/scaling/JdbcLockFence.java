package dev.vstream.scaling;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;

import dev.vstream.offset.JdbcOffsetRepository;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.offset.OffsetStoreException;
import dev.vstream.offset.SchemaScript;
import dev.vstream.position.StreamPosition;
import org.jspecify.annotations.Nullable;

import org.springframework.integration.util.UUIDConverter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Fences position saves with the lock rows of Spring Integration's
 * {@code DefaultLockRepository} ({@code <prefix>LOCK}, by default {@code INT_LOCK}): in
 * one transaction, the lock row is read with {@code SELECT ... FOR UPDATE} and must name
 * this instance ({@code CLIENT_ID}, the id given to the repository) with an
 * {@code EXPIRED_AFTER} not passed; only then is the position written. The row lock makes
 * another instance's takeover ({@code UPDATE} of that row) wait for the save's commit, so
 * a takeover and a stale save cannot interleave.
 *
 * <p>
 * The offsets must live in the same database, through the same {@link DataSource} as the
 * transaction manager (a {@link dev.vstream.offset.JdbcOffsetRepository} on it), for the
 * save to join the transaction. When the stream's own transaction (listener work and
 * position) is active, the check joins it.
 */
public class JdbcLockFence implements LockFence {

	private static final Pattern PREFIX = Pattern
		.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final String instanceId;

	private final String table;

	private final String region;

	private final String checkSql;

	/**
	 * Create a fence.
	 * @param dataSource the database holding the lock table and the offsets
	 * @param transactionManager a transaction manager of that DataSource
	 * @param instanceId the id given to the {@code DefaultLockRepository} of this
	 * instance (at most 36 characters, the width of {@code CLIENT_ID})
	 * @param tablePrefix the lock repository's table prefix ({@code INT_} by default)
	 * @param region the lock repository's region ({@code DEFAULT} by default)
	 */
	public JdbcLockFence(DataSource dataSource, PlatformTransactionManager transactionManager, String instanceId,
			String tablePrefix, String region) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.transactions = new TransactionTemplate(transactionManager);
		this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
		if (!PREFIX.matcher(tablePrefix + "LOCK").matches()) {
			throw new IllegalArgumentException("Invalid lock table prefix '" + tablePrefix + "'");
		}
		this.table = tablePrefix + "LOCK";
		this.region = Objects.requireNonNull(region, "region");
		this.checkSql = "SELECT CLIENT_ID FROM " + this.table
				+ " WHERE REGION = ? AND LOCK_KEY = ? AND CLIENT_ID = ? AND EXPIRED_AFTER >= ? FOR UPDATE";
	}

	@Override
	public String instanceId() {
		return this.instanceId;
	}

	/**
	 * @return the lock table, {@code <prefix>LOCK}
	 */
	public String getTable() {
		return this.table;
	}

	/**
	 * Create the lock table of Spring Integration's {@code DefaultLockRepository} unless
	 * it exists, with the schema script of the database's platform
	 * ({@link SchemaScript#LOCK_LOCATION}: H2, PostgreSQL, MySQL and MariaDB; elsewhere
	 * use Spring Integration's {@code schema-*.sql}). Safe to call from several instances
	 * at once.
	 * @throws OffsetStoreException when the table can neither be created nor found
	 */
	public void createTableIfMissing() {
		SchemaScript.locks(this.table.substring(0, this.table.length() - "LOCK".length()))
			.createTablesIfMissing(this.jdbc);
	}

	@Override
	public OffsetRepository fenced(String lockKey, OffsetRepository offsets) {
		if (!(offsets instanceof JdbcOffsetRepository)) {
			throw new IllegalArgumentException(
					"A JDBC lock fence needs a JdbcOffsetRepository on the lock table's " + "database, not " + offsets);
		}
		String path = UUIDConverter.getUUID(lockKey).toString();
		return new FencedOffsetRepository(offsets, lockKey, this.instanceId) {

			@Override
			public void save(String streamId, StreamPosition position) {
				JdbcLockFence.this.transactions.executeWithoutResult((status) -> {
					// The repository's clock, as DefaultLockRepository compares
					// EXPIRED_AFTER with it.
					List<String> held = JdbcLockFence.this.jdbc.queryForList(JdbcLockFence.this.checkSql, String.class,
							JdbcLockFence.this.region, path, JdbcLockFence.this.instanceId,
							LocalDateTime.now(ZoneOffset.UTC));
					if (held.isEmpty()) {
						// Thrown inside the transaction, so that a transaction it joined
						// rolls back.
						throw lockLost(streamId, position);
					}
					offsets().save(streamId, position);
				});
			}

		};
	}

	@Override
	public @Nullable String owner(String lockKey) {
		List<String> owners = this.jdbc.queryForList(
				"SELECT CLIENT_ID FROM " + this.table + " WHERE REGION = ? AND LOCK_KEY = ? AND EXPIRED_AFTER >= ?",
				String.class, this.region, UUIDConverter.getUUID(lockKey).toString(),
				LocalDateTime.now(ZoneOffset.UTC));
		return owners.isEmpty() || owners.get(0) == null ? null : owners.get(0).trim();
	}

}
