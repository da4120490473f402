package dev.vstream.benchmarks.stream.starter;

import java.util.concurrent.locks.LockSupport;

import dev.vstream.annotation.VStreamListener;
import dev.vstream.benchmarks.stream.Meter;
import dev.vstream.listener.RowChange;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The starter as an application uses it: a Spring Boot application with one
 * {@code @VStreamListener} taking {@code RowChange<BenchOrder>}. Configured by the
 * harness with {@code --vstream.*} arguments (offset store, checkpoint policy, start
 * position); child JVM.
 *
 * <p>
 * System properties: {@code bench.rows} / {@code bench.warmup} (see {@link Meter}); with
 * {@code bench.delay-micros} the listener takes that long per row and {@link HeapWatch}
 * reports the heap for {@code bench.seconds} instead of the meter measuring throughput;
 * {@code bench.footprint=true} adds threads and heap over the measured window to the
 * result ({@link HeapWatch#window()}); {@code bench.shared-meter=true} counts rows from
 * several listener threads (shard-distributed mode: one stream per shard).
 */
@SpringBootApplication(proxyBeanMethods = false)
public class StarterConsumer {

	/**
	 * @param args Spring Boot arguments
	 */
	public static void main(String[] args) {
		long delayMicros = Long.getLong("bench.delay-micros", 0);
		if (delayMicros > 0) {
			HeapWatch.start(Long.getLong("bench.seconds", 90));
		}
		SpringApplication.run(StarterConsumer.class, args);
	}

	/**
	 * With {@code --bench.open-h2=jdbc:h2:file:...} (consumer {@code starter-memory-h2}):
	 * opens and writes an H2 file database the way the JDBC offset store does, but keeps
	 * the memory offset store. Tells whether the JDBC configuration's extra cost comes
	 * from the saves or from H2 and Spring JDBC merely being in the JVM.
	 * @param url the H2 URL, empty for none
	 * @return a runner doing that at start-up
	 */
	@Bean
	ApplicationRunner openH2(@Value("${bench.open-h2:}") String url) {
		return (args) -> {
			if (url.isEmpty()) {
				return;
			}
			JdbcTemplate jdbc = new JdbcTemplate(new SingleConnectionDataSource(url, "sa", "", true));
			jdbc.execute("CREATE TABLE IF NOT EXISTS bench_h2 (id VARCHAR(64) PRIMARY KEY, v VARCHAR(4000))");
			jdbc.update("MERGE INTO bench_h2 (id, v) KEY (id) VALUES (?, ?)", "x", "y");
			jdbc.queryForList("SELECT v FROM bench_h2 WHERE id = ?", String.class, "x");
		};
	}

	@Bean
	@ConditionalOnProperty(name = "bench.narrow", havingValue = "false", matchIfMissing = true)
	OrderListener orderListener() {
		Meter meter = Meter.fromSystemProperties();
		if (Boolean.getBoolean("bench.footprint")) {
			meter.with(HeapWatch.window());
		}
		return new OrderListener(meter, Long.getLong("bench.delay-micros", 0) * 1000,
				Boolean.getBoolean("bench.shared-meter"));
	}

	/**
	 * With {@code --bench.narrow=true} (consumer {@code starter-narrow}): a listener of a
	 * record of 3 of the table's 10 columns, which the starter projects (vtgate then
	 * sends those 3 only).
	 * @return the listener
	 */
	@Bean
	@ConditionalOnProperty(name = "bench.narrow", havingValue = "true")
	NarrowListener narrowListener() {
		return new NarrowListener(Meter.fromSystemProperties());
	}

	/** Touches every field of every row, like a projection would read them. */
	static class OrderListener {

		private final Meter meter;

		private final long delayNanos;

		private final boolean shared;

		/**
		 * Racy with several streams: it only keeps the reads from being optimized away.
		 */
		private long sink;

		OrderListener(Meter meter, long delayNanos, boolean shared) {
			this.meter = meter;
			this.delayNanos = delayNanos;
			this.shared = shared;
		}

		@VStreamListener(table = "orders")
		void on(RowChange<BenchOrder> change) {
			BenchOrder order = change.after();
			this.sink += order.id() + order.customerId() + order.quantity() + order.sku().length()
					+ order.status().length() + order.email().length() + order.price().scale()
					+ order.createdAt().getSecond() + order.updatedAt().getNano() + order.attrs().length();
			if (this.delayNanos > 0) {
				LockSupport.parkNanos(this.delayNanos);
				HeapWatch.rowHandled();
			}
			else if (this.shared) {
				this.meter.addShared(1);
			}
			else {
				this.meter.add(1);
			}
		}

	}

	/** Reads the three fields of {@link BenchOrderStatus} of every row. */
	static class NarrowListener {

		private final Meter meter;

		private long sink;

		NarrowListener(Meter meter) {
			this.meter = meter;
		}

		@VStreamListener(table = "orders")
		void on(RowChange<BenchOrderStatus> change) {
			BenchOrderStatus order = change.after();
			this.sink += order.id() + order.status().length() + order.price().scale();
			this.meter.add(1);
		}

	}

}
