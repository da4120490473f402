package dev.vstream.types;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import dev.vstream.e2e.InJvmApps;
import dev.vstream.e2e.LocalVitess;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;

import org.springframework.context.ConfigurableApplicationContext;

import static org.awaitility.Awaitility.await;

final class TypesSupport {

	static final Duration TIMEOUT = Duration.ofSeconds(60);

	/**
	 * The schema file the local cluster is created from, the one definition of the
	 * tables.
	 */
	private static final Path SCHEMA = Path.of("..", "scripts", "vitess", "schema", "commerce", "002_all_types.sql");

	private TypesSupport() {
	}

	/**
	 * Create the tables of the schema file if absent: the local cluster keeps its data
	 * between runs, so one created before the file existed lacks them.
	 */
	static void createTables() {
		try {
			String text = Files.readAllLines(SCHEMA)
				.stream()
				.filter((line) -> !line.startsWith("--"))
				.collect(Collectors.joining("\n"));
			String[] statements = Arrays.stream(text.split(";"))
				.map(String::trim)
				.filter((s) -> !s.isEmpty())
				.toArray(String[]::new);
			LocalVitess.execute("commerce", statements);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read " + SCHEMA.toAbsolutePath(), ex);
		}
	}

	/**
	 * Start an app on stream {@code stream}, its positions in memory; the caller closes
	 * it.
	 */
	static ConfigurableApplicationContext start(String stream, String... properties) {
		List<String> all = new ArrayList<>(
				List.of("vstream.offset-store=memory", "vstream.reconnect.initial-interval=200ms"));
		all.addAll(List.of(properties));
		return new InJvmApps(TypesApplication.class).start(stream, all);
	}

	static void awaitStreaming(ConfigurableApplicationContext app) {
		VStreamContainer container = app.getBean(VStreamContainer.class);
		await().atMost(TIMEOUT)
			.until(() -> container.getState() == StreamState.STREAMING && container.getPosition() != null
					&& !container.getPosition().isCopying());
	}

}
