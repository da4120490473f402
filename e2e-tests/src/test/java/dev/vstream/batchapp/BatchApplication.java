package dev.vstream.batchapp;

import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.vstream.annotation.VStreamListener;
import dev.vstream.listener.RowChange;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The application of {@code BatchListenerIT} (its own package, so that no other
 * end-to-end application scans it): a sink-like batch listener of
 * {@code commerce.corder}, its batch size and interval given by placeholders.
 */
@SpringBootApplication
public class BatchApplication {

	@Bean
	Sink sink() {
		return new Sink();
	}

	public record Order(long orderId, long customerId, String sku, BigDecimal price) {
	}

	public static class Sink {

		public final List<List<RowChange<Order>>> batches = new CopyOnWriteArrayList<>();

		@VStreamListener(table = "corder", batchSize = "${batchapp.size}", batchInterval = "${batchapp.interval}")
		void write(List<RowChange<Order>> changes) {
			this.batches.add(changes);
		}

	}

}
