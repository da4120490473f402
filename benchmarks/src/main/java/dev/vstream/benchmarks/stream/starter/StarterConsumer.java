package dev.vstream.benchmarks.stream.starter;

import java.util.concurrent.locks.LockSupport;

import dev.vstream.annotation.VStreamListener;
import dev.vstream.benchmarks.stream.Meter;
import dev.vstream.listener.RowChange;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The starter as an application uses it: a Spring Boot application with one
 * {@code @VStreamListener} taking {@code RowChange<BenchOrder>}. Configured by the harness with
 * {@code --vstream.*} arguments (offset store, checkpoint policy, start position); child JVM.
 *
 * <p>System properties: {@code bench.rows} / {@code bench.warmup} (see {@link Meter}); with
 * {@code bench.delay-micros} the listener takes that long per row and {@link HeapWatch} reports
 * the heap for {@code bench.seconds} instead of the meter measuring throughput.
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

	@Bean
	OrderListener orderListener() {
		return new OrderListener(Meter.fromSystemProperties(), Long.getLong("bench.delay-micros", 0) * 1000);
	}

	/** Touches every field of every row, like a projection would read them. */
	static class OrderListener {

		private final Meter meter;

		private final long delayNanos;

		private long sink;

		OrderListener(Meter meter, long delayNanos) {
			this.meter = meter;
			this.delayNanos = delayNanos;
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
			else {
				this.meter.add(1);
			}
		}

	}

}
