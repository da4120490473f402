package dev.vstream.scaleapp;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.vstream.annotation.VStreamListener;
import dev.vstream.listener.RowChange;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamContainerRegistry;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * One of the instances {@code ScaleOutIT} runs side by side (and kills): each change of
 * {@code customer.corder} tagged for the test becomes a row naming this instance, the
 * shard and when the handling started and ended, in a table of the shared PostgreSQL
 * database.
 */
@SpringBootApplication
public class ScaleApplication {

	public static void main(String[] args) {
		SpringApplication.run(ScaleApplication.class, args);
	}

	/** Tells the test which shard streams run here, once vtgate answered them. */
	@Bean
	ApplicationRunner announceStreams(VStreamContainerRegistry registry) {
		return (args) -> {
			Thread announcer = new Thread(() -> {
				Set<String> announced = new HashSet<>();
				while (!Thread.currentThread().isInterrupted()) {
					for (VStreamContainer container : registry.getContainers()) {
						if (container.getState() == StreamState.STREAMING && announced.add(container.getId())) {
							System.out.println("SCALE-APP STREAMING " + container.getId());
						}
					}
					try {
						TimeUnit.MILLISECONDS.sleep(100);
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			});
			announcer.setDaemon(true);
			announcer.start();
		};
	}

	record Order(long orderId, long customerId, String sku) {
	}

	@Component
	static class Recorder {

		private final JdbcTemplate jdbc;

		private final String table;

		private final String tag;

		private final String instance;

		private final long delayMillis;

		Recorder(JdbcTemplate jdbc, @Value("${scale.table}") String table, @Value("${scale.tag}") String tag,
				@Value("${vstream.scaling.instance-id}") String instance,
				@Value("${scale.delay-millis:0}") long delayMillis) {
			this.jdbc = jdbc;
			this.table = table;
			this.tag = tag;
			this.instance = instance;
			this.delayMillis = delayMillis;
		}

		@VStreamListener(table = "corder", keyspace = "customer")
		void on(RowChange<Order> change) throws InterruptedException {
			Order order = change.row();
			if (order.sku() == null || !order.sku().startsWith(this.tag)) {
				return;
			}
			Instant started = Instant.now();
			// Work that takes a while: a kill lands in the middle of some.
			TimeUnit.MILLISECONDS.sleep(this.delayMillis);
			this.jdbc.update(
					"insert into " + this.table
							+ " (order_id, shard, instance, started_at, finished_at) values (?, ?, ?, ?, ?)",
					order.orderId(), change.shard(), this.instance, Timestamp.from(started),
					Timestamp.from(Instant.now()));
		}

	}

}
