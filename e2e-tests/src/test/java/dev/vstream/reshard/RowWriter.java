package dev.vstream.reshard;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongFunction;

import dev.vstream.e2e.RealCluster;

/**
 * Inserts one row every 20 ms through vtgate's MySQL port, ids counting up from a first
 * one, each insert in its own transaction. An insert that fails is ambiguous: a SELECT
 * after the writing decides ({@code customer_id = id}, a column of {@code corder} and
 * {@code customer} alike).
 */
final class RowWriter {

	final Set<Long> committed = ConcurrentHashMap.newKeySet();

	final Set<Long> ambiguous = ConcurrentHashMap.newKeySet();

	final Map<String, Integer> errors = new ConcurrentHashMap<>();

	int ambiguousCommitted;

	private final String keyspace;

	private final String table;

	private final long firstId;

	private final LongFunction<String> insert;

	private final AtomicBoolean running = new AtomicBoolean(true);

	private Thread thread;

	/**
	 * A writer of {@code corder} rows, {@code customer_id = order_id} (every shard).
	 * @param keyspace the keyspace connected to
	 * @param firstId the first order id
	 * @return the writer, not started
	 */
	static RowWriter orders(String keyspace, long firstId) {
		return new RowWriter(keyspace, "corder", firstId, (id) -> "insert into corder (order_id, customer_id, sku, "
				+ "price) values (" + id + ", " + id + ", 'r', 1.00)");
	}

	/**
	 * A writer of {@code customer} rows.
	 * @param keyspace the keyspace connected to
	 * @param firstId the first customer id
	 * @return the writer, not started
	 */
	static RowWriter customers(String keyspace, long firstId) {
		return new RowWriter(keyspace, "customer", firstId,
				(id) -> "insert into customer (customer_id, email) values (" + id + ", 'm')");
	}

	private RowWriter(String keyspace, String table, long firstId, LongFunction<String> insert) {
		this.keyspace = keyspace;
		this.table = table;
		this.firstId = firstId;
		this.insert = insert;
	}

	RowWriter start() {
		this.thread = new Thread(this::write, "reshard-writer-" + this.table);
		this.thread.start();
		return this;
	}

	private void write() {
		long next = this.firstId;
		Connection connection = null;
		while (this.running.get()) {
			long id = next++;
			try {
				if (connection == null) {
					connection = RealCluster.vtgate(this.keyspace);
				}
				try (Statement statement = connection.createStatement()) {
					statement.execute(this.insert.apply(id));
				}
				this.committed.add(id);
			}
			catch (SQLException ex) {
				this.ambiguous.add(id);
				this.errors.merge(String.valueOf(ex.getMessage()).lines().findFirst().orElse(""), 1, Integer::sum);
				close(connection);
				connection = null;
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		close(connection);
	}

	/**
	 * Stop writing, decide the ambiguous inserts in the keyspace written to, and return
	 * every committed row.
	 */
	Set<Long> stop() throws Exception {
		return stop(this.keyspace);
	}

	/**
	 * Stop writing, decide the ambiguous inserts, and return every committed row.
	 * @param keyspace where the rows are now (another keyspace after a MoveTables)
	 * @return the ids of the committed rows
	 */
	Set<Long> stop(String keyspace) throws Exception {
		if (!this.running.getAndSet(false)) {
			return new TreeSet<>(this.committed);
		}
		this.thread.join(10_000);
		if (!this.ambiguous.isEmpty()) {
			try (Connection connection = RealCluster.vtgate(keyspace);
					Statement statement = connection.createStatement()) {
				for (long id : this.ambiguous) {
					try (var rs = statement
						.executeQuery("select 1 from " + this.table + " where customer_id = " + id)) {
						if (rs.next()) {
							this.committed.add(id);
							this.ambiguousCommitted++;
						}
					}
				}
			}
		}
		return new TreeSet<>(this.committed);
	}

	private static void close(Connection connection) {
		if (connection != null) {
			try {
				connection.close();
			}
			catch (SQLException ex) {
				// gone anyway
			}
		}
	}

}
