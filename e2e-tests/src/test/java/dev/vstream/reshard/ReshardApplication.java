package dev.vstream.reshard;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.vstream.annotation.VStreamListener;
import dev.vstream.listener.RowChange;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The application of {@link ReshardIT}: records every insert into
 * {@code reshardks.corder} with the shard it came from and when.
 */
@SpringBootApplication
public class ReshardApplication {

	@Bean
	Received received() {
		return new Received();
	}

	public record Order(long orderId, long customerId) {
	}

	record Arrival(long orderId, String shard, Instant at) {
	}

	public static class Received {

		final List<Arrival> arrivals = new CopyOnWriteArrayList<>();

		@VStreamListener(table = "corder", keyspace = "reshardks")
		void order(RowChange<Order> change) {
			if (change.after() != null) {
				this.arrivals.add(new Arrival(change.after().orderId(), change.shard(), Instant.now()));
			}
		}

	}

}
