package dev.vstream.streamsapp;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.vstream.annotation.VStreamListener;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The application of {@code TwoStreamsIT} (its own package, so that no other end-to-end
 * application scans it): a projection of {@code commerce.corder} on the default stream
 * and an audit log of the same table on the named stream {@code audit}
 * ({@code vstream.streams.audit.*}; another id with {@code streams.audit=<id>}), each
 * recording the skus it receives.
 */
@SpringBootApplication
public class TwoStreamsApplication {

	@Bean
	Projection projection() {
		return new Projection();
	}

	@Bean
	Audit audit() {
		return new Audit();
	}

	/** Row images of {@code corder}, the columns the listeners read. */
	public record Order(long orderId, String sku) {
	}

	public static class Projection {

		public final List<String> skus = new CopyOnWriteArrayList<>();

		@VStreamListener(table = "corder")
		void project(Order order) {
			this.skus.add(order.sku());
		}

	}

	public static class Audit {

		public final List<String> skus = new CopyOnWriteArrayList<>();

		// The stream id can be set, so that a test can give it one of its own.
		@VStreamListener(table = "corder", stream = "${streams.audit:audit}")
		void record(Order order) {
			this.skus.add(order.sku());
		}

	}

}
