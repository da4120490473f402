package dev.vstream.benchmarks.stream.real;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The table both clients of {@link RealClientBench} stream: {@code commerce.bench_copy},
 * ten columns of mixed types (BIGINT, INT, VARCHAR, DECIMAL, DOUBLE, DATETIME), written
 * through vtgate's MySQL protocol. Row {@code n}'s values follow from {@code n}, so every
 * load is the same table.
 */
final class BenchTable {

	static final String DDL = "CREATE TABLE IF NOT EXISTS bench_copy (id BIGINT NOT NULL, customer_id BIGINT NOT NULL, "
			+ "quantity INT NOT NULL, sku VARCHAR(32) NOT NULL, status VARCHAR(16) NOT NULL, email VARCHAR(64) NOT NULL, "
			+ "price DECIMAL(10,2) NOT NULL, weight DOUBLE NOT NULL, created_at DATETIME NOT NULL, "
			+ "note VARCHAR(100) NOT NULL, PRIMARY KEY (id)) ENGINE=InnoDB";

	private static final String[] STATUS = { "NEW", "PAID", "SHIPPED", "DELIVERED" };

	private final String url;

	private final String loadUrl;

	/**
	 * @param url vtgate's MySQL protocol: schema, live writes, clean-up
	 * @param loadUrl where the bulk load goes: vtgate, or the keyspace's own MySQL
	 * database (the same rows in the same binary log, without vtgate parsing every
	 * statement)
	 */
	BenchTable(String url, String loadUrl) {
		this.url = url;
		this.loadUrl = loadUrl;
	}

	private Connection connect() throws SQLException {
		return connect(this.url);
	}

	private static Connection connect(String url) throws SQLException {
		Connection connection = DriverManager.getConnection(url, "root", "");
		connection.setAutoCommit(true);
		return connection;
	}

	/**
	 * Make the table hold exactly rows 1..{@code rows}: created if absent, emptied and
	 * loaded again unless it already is that table.
	 * @param rows the row count
	 * @param log where to say what was done
	 * @return seconds spent loading, 0 when the table was already there
	 * @throws Exception on failure
	 */
	double prepare(long rows, Consumer<String> log) throws Exception {
		try (Connection connection = connect(); Statement statement = connection.createStatement()) {
			statement.execute(DDL);
			long[] countAndMax = countAndMax(statement);
			if (countAndMax[0] == rows && countAndMax[1] == rows) {
				log.accept("table bench_copy already holds rows 1.." + rows);
				return 0;
			}
			log.accept("loading " + rows + " rows into commerce.bench_copy through " + this.loadUrl + " (it held "
					+ countAndMax[0] + ")");
			statement.execute("TRUNCATE TABLE bench_copy");
		}
		long start = System.nanoTime();
		// Two writers: vtgate and MariaDB each take a core's worth of work per statement.
		int threads = 2;
		long chunk = 1000;
		AtomicLong next = new AtomicLong(1);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				futures.add(pool.submit(() -> {
					try (Connection connection = connect(this.loadUrl);
							Statement statement = connection.createStatement()) {
						for (long from; (from = next.getAndAdd(chunk)) <= rows;) {
							statement.executeUpdate(insert(from, Math.min(rows, from + chunk - 1)));
						}
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
		return (System.nanoTime() - start) / 1e9;
	}

	private static long[] countAndMax(Statement statement) throws SQLException {
		try (ResultSet rs = statement.executeQuery("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM bench_copy")) {
			rs.next();
			return new long[] { rs.getLong(1), rs.getLong(2) };
		}
	}

	/**
	 * Remove the rows a live phase added (ids above {@code rows}), in chunks.
	 * @param rows the copied table's row count
	 * @throws SQLException on failure
	 */
	void removeAbove(long rows) throws SQLException {
		try (Connection connection = connect(); Statement statement = connection.createStatement()) {
			while (statement.executeUpdate("DELETE FROM bench_copy WHERE id > " + rows + " LIMIT 50000") > 0) {
				// again until none is left
			}
		}
	}

	/**
	 * Commit rows {@code from}..{@code to}, {@code perTransaction} rows per transaction
	 * (one multi-row INSERT each), as fast as vtgate takes them.
	 * @param from first id
	 * @param to last id
	 * @param perTransaction rows per transaction
	 * @return seconds spent
	 * @throws SQLException on failure
	 */
	double write(long from, long to, int perTransaction) throws SQLException {
		long start = System.nanoTime();
		try (Connection connection = connect(); Statement statement = connection.createStatement()) {
			for (long id = from; id <= to; id += perTransaction) {
				statement.executeUpdate(insert(id, Math.min(to, id + perTransaction - 1)));
			}
		}
		return (System.nanoTime() - start) / 1e9;
	}

	static String insert(long from, long to) {
		StringBuilder sql = new StringBuilder((int) (to - from + 1) * 150);
		sql.append("INSERT INTO bench_copy (id, customer_id, quantity, sku, status, email, price, weight, created_at, "
				+ "note) VALUES ");
		for (long n = from; n <= to; n++) {
			if (n > from) {
				sql.append(',');
			}
			long seconds = 1_767_225_600L + n * 7;
			sql.append('(')
				.append(n)
				.append(',')
				.append(1 + n % 10_000)
				.append(',')
				.append(1 + n % 50)
				.append(",'sku-")
				.append(n % 100_000)
				.append("','")
				.append(STATUS[(int) (n % STATUS.length)])
				.append("','customer")
				.append(n % 10_000)
				.append("@example.com',")
				.append(n % 100_000 / 100)
				.append('.')
				.append(n % 100 / 10)
				.append(n % 10)
				.append(',')
				.append((n % 1000) * 0.25)
				.append(",FROM_UNIXTIME(")
				.append(seconds)
				.append("),'order ")
				.append(n)
				.append(" placed through the benchmark writer')");
		}
		return sql.toString();
	}

}
