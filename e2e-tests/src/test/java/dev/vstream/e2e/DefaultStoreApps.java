package dev.vstream.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Starts {@code dev.vstream.defaultapp.DefaultStoreApplication} in child JVMs
 * ({@link ChildJvm}, in a working directory of their own) and reads what they delivered
 * and logged.
 */
final class DefaultStoreApps implements AutoCloseable {

	/**
	 * Turns the application's DataSource off: the offset store is then the embedded H2
	 * file.
	 */
	static final String NO_DATASOURCE = "--spring.autoconfigure.exclude="
			+ "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration";

	final String tag = UUID.randomUUID().toString().substring(0, 8);

	final String skuPrefix = "dflt-" + this.tag + "-";

	final Path workDir;

	final Path deliveries;

	private final ChildJvm.Launcher launcher;

	private int logs;

	/**
	 * Apps working in a directory of the test's.
	 * @param workDir their working directory (a JUnit {@code @TempDir} kept when the test
	 * fails, for its logs)
	 */
	DefaultStoreApps(Path workDir) {
		this.workDir = workDir;
		this.deliveries = this.workDir.resolve("deliveries.txt");
		this.launcher = ChildJvm.launcher("dev.vstream.defaultapp.DefaultStoreApplication").workDir(workDir);
	}

	/**
	 * Start an application on stream {@code streamId} and wait until it streams.
	 * @param streamId the stream id (its saved position)
	 * @param extraArgs store settings
	 * @return the application
	 */
	ChildJvm start(String streamId, String... extraArgs) throws IOException {
		Path log = this.workDir.resolve("app-" + (++this.logs) + ".log");
		List<String> args = new ArrayList<>(List.of("--spring.main.banner-mode=off",
				"--vstream.vtgate.address=" + LocalVitess.grpcAddress(), "--vstream.keyspace=commerce",
				"--vstream.id=" + streamId, "--vstream.start-position=current",
				"--vstream.reconnect.initial-interval=200ms", "--default-app.deliveries=" + this.deliveries,
				"--default-app.sku-prefix=" + this.skuPrefix, "--spring.data.redis.repositories.enabled=false"));
		args.addAll(List.of(extraArgs));
		return this.launcher.start(log, args).awaitLog("DEFAULT-APP STREAMING", Duration.ofSeconds(90));
	}

	/**
	 * @return how many times each sku was delivered (as an insert)
	 */
	Map<String, Long> deliveredInserts() {
		if (!Files.exists(this.deliveries)) {
			return Map.of();
		}
		try {
			return Files.readAllLines(this.deliveries)
				.stream()
				.filter((line) -> line.endsWith(" INSERT"))
				.map((line) -> line.substring(0, line.indexOf(' ')))
				.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	void insertOrder(String sku) {
		LocalVitess.execute("commerce",
				"insert into corder (customer_id, sku, price) values (901, '" + sku + "', 1.00)");
	}

	/**
	 * @return the last position the log says the stream stopped at, or null
	 */
	static String stoppedAt(String log, String streamId) {
		return last(log, "Stream '" + Pattern.quote(streamId) + "' stopped at (.*)");
	}

	/**
	 * @return the saved position the log says the stream resumed from, or null
	 */
	static String resumedFrom(String log, String streamId) {
		return last(log, "Stream '" + Pattern.quote(streamId) + "' resumes from its saved position (.*)");
	}

	private static String last(String log, String regex) {
		Matcher matcher = Pattern.compile(regex).matcher(log);
		String found = null;
		while (matcher.find()) {
			found = matcher.group(1).strip();
		}
		return found;
	}

	static String read(Path log) {
		try {
			return Files.readString(log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		this.launcher.close();
	}

}
