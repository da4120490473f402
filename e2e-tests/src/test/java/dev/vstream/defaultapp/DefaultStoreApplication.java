package dev.vstream.defaultapp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.vstream.annotation.VStreamListener;
import dev.vstream.e2e.StreamingAnnouncer;
import dev.vstream.listener.RowChange;
import dev.vstream.stream.VStreamContainer;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

/**
 * The application that {@code ShutdownSavesPositionIT} stops with SIGTERM and
 * {@code DefaultStoreKillIT} kills with SIGKILL: it appends one line per delivered change
 * of {@code commerce.corder} (whose sku starts with {@code default-app.sku-prefix}) to
 * the file {@code default-app.deliveries}. Each line is written (not buffered in the JVM)
 * before the stream saves the position past it, so the file survives a kill and counts
 * every delivery.
 */
@SpringBootApplication
public class DefaultStoreApplication {

	public static void main(String[] args) {
		SpringApplication.run(DefaultStoreApplication.class, args);
	}

	@Bean
	ApplicationRunner announceStreaming(VStreamContainer container) {
		return StreamingAnnouncer.whenStreaming(container, "DEFAULT-APP STREAMING");
	}

	record Order(long orderId, String sku) {
	}

	@Component
	static class DeliveryRecorder {

		private final Path file;

		private final String prefix;

		DeliveryRecorder(@Value("${default-app.deliveries}") Path file,
				@Value("${default-app.sku-prefix}") String prefix) {
			this.file = file;
			this.prefix = prefix;
		}

		@VStreamListener(table = "corder")
		void on(RowChange<Order> change) {
			String sku = change.row().sku();
			if (sku == null || !sku.startsWith(this.prefix)) {
				return;
			}
			try {
				Files.writeString(this.file, sku + " " + change.op() + "\n", StandardCharsets.UTF_8,
						StandardOpenOption.CREATE, StandardOpenOption.APPEND);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
