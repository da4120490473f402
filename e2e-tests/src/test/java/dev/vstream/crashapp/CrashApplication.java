package dev.vstream.crashapp;

import java.util.concurrent.TimeUnit;

import dev.vstream.annotation.VStreamListener;
import dev.vstream.e2e.StreamingAnnouncer;
import dev.vstream.listener.RowChange;
import dev.vstream.stream.VStreamContainer;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The application that {@code ExactlyOnceIT} kills with SIGKILL at random points: each
 * change of {@code commerce.corder} becomes one row in an effect table of the same
 * PostgreSQL database that holds the stream's position.
 */
@SpringBootApplication
public class CrashApplication {

	public static void main(String[] args) {
		SpringApplication.run(CrashApplication.class, args);
	}

	@Bean
	ApplicationRunner announceStreaming(VStreamContainer container) {
		return StreamingAnnouncer.whenStreaming(container, "CRASH-APP STREAMING");
	}

	record Order(long orderId, String sku) {
	}

	@Component
	static class EffectWriter {

		private final JdbcTemplate jdbc;

		private final String table;

		private final long delayMillis;

		EffectWriter(JdbcTemplate jdbc, @Value("${crash.effect-table}") String table,
				@Value("${crash.delay-millis:0}") long delayMillis) {
			this.jdbc = jdbc;
			this.table = table;
			this.delayMillis = delayMillis;
		}

		@VStreamListener(table = "corder")
		void on(RowChange<Order> change) throws InterruptedException {
			Order order = change.row();
			if (order.sku() == null || !order.sku().startsWith("crash-")) {
				return;
			}
			this.jdbc.update("insert into " + this.table + " (order_id, sku, op) values (?, ?, ?)", order.orderId(),
					order.sku(), change.op().name());
			// Work that takes a while widens the windows in which the test's SIGKILL can
			// land.
			TimeUnit.MILLISECONDS.sleep(this.delayMillis);
		}

	}

}
