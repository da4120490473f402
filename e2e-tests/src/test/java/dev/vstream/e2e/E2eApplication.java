package dev.vstream.e2e;

import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.vstream.annotation.VStreamListener;
import dev.vstream.listener.RowChange;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The application under test: records every change of {@code commerce.corder} and of the
 * sharded {@code customer.customer}.
 */
@SpringBootApplication
public class E2eApplication {

	@Bean
	Recorder recorder() {
		return new Recorder();
	}

	public record Order(long orderId, long customerId, String sku, BigDecimal price) {
	}

	public static class Customer {

		private long customerId;

		private String email;

		public long getCustomerId() {
			return this.customerId;
		}

		public void setCustomerId(long customerId) {
			this.customerId = customerId;
		}

		public String getEmail() {
			return this.email;
		}

		public void setEmail(String email) {
			this.email = email;
		}

	}

	public static class Recorder {

		final List<RowChange<Order>> orders = new CopyOnWriteArrayList<>();

		final List<RowChange<Customer>> customers = new CopyOnWriteArrayList<>();

		@VStreamListener(table = "${e2e.order-table:corder}", keyspace = "${e2e.order-keyspace:commerce}")
		void order(RowChange<Order> change) {
			this.orders.add(change);
		}

		@VStreamListener(table = "customer", keyspace = "customer")
		void customer(RowChange<Customer> change) {
			this.customers.add(change);
		}

	}

}
