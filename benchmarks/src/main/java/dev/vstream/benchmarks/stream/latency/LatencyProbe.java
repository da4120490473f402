package dev.vstream.benchmarks.stream.latency;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import dev.vstream.annotation.VStreamListener;
import dev.vstream.listener.RowChange;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * End-to-end latency against a real vtgate: a writer commits one row at a time into
 * {@code commerce.corder} through vtgate's MySQL protocol at a fixed rate, notes the time
 * right after each commit returned, and the starter's listener notes when the row reached
 * it; the difference is the latency (both clocks are this JVM's {@code nanoTime}). The
 * row's {@code sku} ({@code lat-<run>-<n>}) ties the two together. Child JVM of the
 * harness.
 *
 * <p>
 * System properties: {@code bench.mysql-url}, {@code bench.rate} (rows/s),
 * {@code bench.seconds} (measured), {@code bench.warmup-seconds} (written, not counted).
 */
@SpringBootApplication(proxyBeanMethods = false)
public class LatencyProbe {

	private static final Map<Long, Long> committed = new ConcurrentHashMap<>();

	private static final Map<Long, Long> received = new ConcurrentHashMap<>();

	private static final String RUN = Long.toString(System.currentTimeMillis(), 36);

	/**
	 * @param args Spring Boot arguments
	 * @throws Exception if writing fails
	 */
	public static void main(String[] args) throws Exception {
		ConfigurableApplicationContext context = SpringApplication.run(LatencyProbe.class, args);
		String url = System.getProperty("bench.mysql-url", "jdbc:mariadb://127.0.0.1:18993/commerce");
		int rate = Integer.getInteger("bench.rate", 100);
		int seconds = Integer.getInteger("bench.seconds", 60);
		int warmupSeconds = Integer.getInteger("bench.warmup-seconds", 5);
		// Give the stream time to connect: rows committed before it positions on
		// "current" are missed.
		Thread.sleep(3000);
		long warmupRows = (long) rate * warmupSeconds;
		long total = warmupRows + (long) rate * seconds;
		long interval = 1_000_000_000L / rate;
		try (Connection connection = DriverManager.getConnection(url, "root", "");
				PreparedStatement insert = connection
					.prepareStatement("insert into corder (customer_id, sku, price) values (?, ?, ?)")) {
			connection.setAutoCommit(true);
			long start = System.nanoTime();
			for (long n = 0; n < total; n++) {
				long due = start + n * interval;
				long wait = due - System.nanoTime();
				if (wait > 0) {
					LockSupport.parkNanos(wait);
				}
				insert.setLong(1, 1 + n % 8);
				insert.setString(2, "lat-" + RUN + "-" + n);
				insert.setBigDecimal(3, BigDecimal.valueOf(n % 1000, 2));
				insert.executeUpdate();
				committed.put(n, System.nanoTime());
			}
			long elapsed = System.nanoTime() - start;
			System.out.printf("wrote %d rows in %.1f s (%.1f rows/s)%n", total, elapsed / 1e9, total * 1e9 / elapsed);
		}
		catch (SQLException ex) {
			System.out.println("RESULT-LAT error=" + ex.getMessage().replace(' ', '_'));
			Runtime.getRuntime().halt(1);
		}
		long deadline = System.nanoTime() + 15_000_000_000L;
		while (received.size() < committed.size() && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		List<Long> latencies = new ArrayList<>();
		for (long n = warmupRows; n < total; n++) {
			Long c = committed.get(n);
			Long r = received.get(n);
			if (c != null && r != null) {
				latencies.add(Math.max(0, r - c));
			}
		}
		Collections.sort(latencies);
		long missing = (total - warmupRows) - latencies.size();
		System.out.println("RESULT-LAT rate=" + rate + " seconds=" + seconds + " samples=" + latencies.size()
				+ " missing=" + missing + " p50=" + percentile(latencies, 0.50) + " p99=" + percentile(latencies, 0.99)
				+ " max=" + (latencies.isEmpty() ? -1 : latencies.get(latencies.size() - 1)));
		System.out.flush();
		context.close();
		Runtime.getRuntime().halt(0);
	}

	private static long percentile(List<Long> sorted, double p) {
		if (sorted.isEmpty()) {
			return -1;
		}
		return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
	}

	@Bean
	OrderListener latencyListener() {
		return new OrderListener();
	}

	/** Notes when each probe row arrives. */
	static class OrderListener {

		private final String prefix = "lat-" + RUN + "-";

		@VStreamListener(table = "corder")
		void on(RowChange<Corder> change) {
			long now = System.nanoTime();
			Corder row = change.after();
			if (row != null && row.sku() != null && row.sku().startsWith(this.prefix)) {
				received.putIfAbsent(Long.parseLong(row.sku().substring(this.prefix.length())), now);
			}
		}

	}

	/**
	 * A row of {@code commerce.corder}.
	 *
	 * @param orderId primary key
	 * @param customerId customer
	 * @param sku product; here the probe's key
	 * @param price value
	 */
	public record Corder(long orderId, long customerId, String sku, BigDecimal price) {
	}

}
