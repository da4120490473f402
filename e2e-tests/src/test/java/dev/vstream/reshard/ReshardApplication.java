package dev.vstream.reshard;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.vstream.annotation.VStreamDdlListener;
import dev.vstream.annotation.VStreamListener;
import dev.vstream.listener.DdlEvent;
import dev.vstream.listener.RowChange;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

/**
 * The application of {@link ReshardIT}: records every insert into
 * {@code reshardks.corder} (and, with {@code reshard.customers=true}, into
 * {@code reshardks.customer}) with the shard it came from and when, and every DDL of the
 * keyspace.
 */
@SpringBootApplication
public class ReshardApplication {

	@Bean
	Received received() {
		return new Received();
	}

	public record Order(long orderId, long customerId) {
	}

	public record Customer(long customerId, String email) {
	}

	record Arrival(long orderId, String shard, Instant at) {
	}

	public static class Received {

		final List<Arrival> arrivals = new CopyOnWriteArrayList<>();

		final List<Arrival> customers = new CopyOnWriteArrayList<>();

		final List<DdlEvent> ddl = new CopyOnWriteArrayList<>();

		@VStreamListener(table = "corder", keyspace = "reshardks")
		void order(RowChange<Order> change) {
			if (change.after() != null) {
				this.arrivals.add(new Arrival(change.after().orderId(), change.shard(), Instant.now()));
			}
		}

		@VStreamDdlListener(keyspace = "reshardks")
		void ddl(DdlEvent event) {
			this.ddl.add(event);
		}

	}

	/**
	 * The listener of the table {@code ReshardIT} moves to another keyspace: only in the
	 * app of that scenario, since the table is gone from the keyspace afterwards (and the
	 * starter refuses to start a listener of a table the keyspace does not have).
	 */
	@Component
	@ConditionalOnProperty(name = "reshard.customers", havingValue = "true")
	static class CustomerListener {

		private final Received received;

		CustomerListener(Received received) {
			this.received = received;
		}

		@VStreamListener(table = "customer", keyspace = "reshardks")
		void customer(RowChange<Customer> change) {
			if (change.after() != null) {
				this.received.customers.add(new Arrival(change.after().customerId(), change.shard(), Instant.now()));
			}
		}

	}

}
