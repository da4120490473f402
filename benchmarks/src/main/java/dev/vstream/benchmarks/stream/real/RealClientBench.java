package dev.vstream.benchmarks.stream.real;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.sun.management.OperatingSystemMXBean;

/**
 * The real-client benchmark (BENCHMARKS.md, "A real client on a real vtgate"; run by
 * {@code scripts/bench.sh}): Vitess's own Go client ({@code vtgateconn.VStream},
 * benchmarks/go-client) and the starter copy the same table of a real vtgate and then
 * stream live changes, each in its own process, alternating round after round. Per trial:
 * the consumer starts at {@code copy}, prints {@code COPIED} after the copy phase; then
 * this harness commits the live rows (multi-row transactions through vtgate's MySQL
 * protocol) while the consumer streams them; the consumer prints its {@code RESULT}; the
 * live rows are deleted again so that every trial copies the same table.
 *
 * <p>
 * Options ({@code --name value}): {@code go-client} (the Go binary, required),
 * {@code vtgate} (gRPC address, 127.0.0.1:18991), {@code mysql-url}
 * (jdbc:mariadb://127.0.0.1:18993/commerce: vtgate, for the schema, the live writes and
 * the clean-up), {@code load-url} (where the bulk load goes, by default the same; the
 * keyspace's MySQL database is faster), {@code rows} (copied, 1000000), {@code live}
 * (200000), {@code live-tx} (rows per live transaction, 100), {@code rounds} (2),
 * {@code consumers} ("go,starter-memory,starter-jdbc"), {@code jvm-args} (extra options
 * of the starter's JVMs, split at spaces; {@code {trial}} becomes consumer-round, e.g.
 * {@code -Dbench.jfr=/tmp/h2jfr/{trial}.jfr} to record the live phase), {@code log}.
 */
public final class RealClientBench {

	private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private final Map<String, String> options;

	private final PrintWriter log;

	private final Path work;

	private RealClientBench(Map<String, String> options) throws IOException {
		this.options = options;
		this.log = new PrintWriter(Files.newBufferedWriter(Path.of(option("log", "benchmarks/target/bench-real.log"))),
				true);
		this.work = Files.createTempDirectory("vstream-bench-real");
	}

	/**
	 * @param args {@code --name value} pairs
	 * @throws Exception on failure
	 */
	public static void main(String[] args) throws Exception {
		Map<String, String> options = new HashMap<>();
		for (int i = 0; i + 1 < args.length; i += 2) {
			options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
		}
		new RealClientBench(options).run();
	}

	private String option(String name, String defaultValue) {
		return this.options.getOrDefault(name, defaultValue);
	}

	private void run() throws Exception {
		long rows = Long.parseLong(option("rows", "1000000"));
		long live = Long.parseLong(option("live", "200000"));
		int liveTx = Integer.parseInt(option("live-tx", "100"));
		int rounds = Integer.parseInt(option("rounds", "2"));
		List<String> consumers = List.of(option("consumers", "go,starter-memory,starter-jdbc").split(","));
		String url = option("mysql-url", "jdbc:mariadb://127.0.0.1:18993/commerce");
		BenchTable table = new BenchTable(url, option("load-url", url));
		say("");
		say("real client on a real vtgate " + option("vtgate", "127.0.0.1:18991") + ": copy " + rows
				+ " rows of commerce.bench_copy, then " + live + " live rows (" + liveTx + " per transaction), "
				+ rounds + " rounds, consumers " + consumers + "; load average " + load());
		double loadSeconds = table.prepare(rows, this::say);
		if (loadSeconds > 0) {
			say(String.format(Locale.ROOT, "loaded in %.1f s (%,.0f rows/s)", loadSeconds, rows / loadSeconds));
		}
		table.removeAbove(rows);
		Map<String, List<RealTrial>> results = new LinkedHashMap<>();
		List<Double> loads = new ArrayList<>();
		for (int round = 1; round <= rounds; round++) {
			for (String consumer : consumers) {
				RealTrial trial = trial(consumer, table, rows, live, liveTx, round);
				loads.add(OS.getSystemLoadAverage());
				say(String.format(Locale.ROOT, "round %d %-15s %s", round, consumer, trial));
				results.computeIfAbsent(consumer, (c) -> new ArrayList<>()).add(trial);
				table.removeAbove(rows);
			}
		}
		say("medians:");
		Map<String, RealTrial> medians = new LinkedHashMap<>();
		results.forEach((consumer, trials) -> {
			RealTrial median = RealTrial.median(trials);
			medians.put(consumer, median);
			say(String.format(Locale.ROOT, "  %-15s %s", consumer, median));
		});
		RealTrial go = medians.get("go");
		StringBuilder summary = new StringBuilder("SUMMARY-REAL");
		if (go != null) {
			summary.append(
					String.format(Locale.ROOT, " go copy=%.0f/s live=%.1fus/row", go.copyRate(), go.liveCpuPerRow()));
		}
		medians.forEach((consumer, median) -> {
			if (go != null && !consumer.equals("go")) {
				summary.append(String.format(Locale.ROOT, " | %s copy=%.0f/s (%.2fx go) live=%.1fus/row (%.2fx go)",
						consumer, median.copyRate(), median.copyRate() / go.copyRate(), median.liveCpuPerRow(),
						median.liveCpuPerRow() / go.liveCpuPerRow()));
			}
		});
		summary.append(String.format(Locale.ROOT, " | load-avg=%.2f..%.2f",
				loads.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
				loads.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)));
		say(summary.toString());
	}

	private RealTrial trial(String consumer, BenchTable table, long rows, long live, int liveTx, int round)
			throws Exception {
		String vtgate = option("vtgate", "127.0.0.1:18991");
		List<String> command = new ArrayList<>();
		if (consumer.equals("go")) {
			command.addAll(List.of(option("go-client", "vstreambench"), "-vtgate", vtgate, "-keyspace", "commerce",
					"-table", "bench_copy", "-live", Long.toString(live)));
		}
		else {
			command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
					"-Dbench.copy-rows=" + rows, "-Dbench.live-rows=" + live));
			String extra = option("jvm-args", "");
			if (!extra.isBlank()) {
				command.addAll(List.of(extra.trim().replace("{trial}", consumer + "-" + round).split(" +")));
			}
			command.addAll(List.of("-cp", System.getProperty("java.class.path"), StarterCopyConsumer.class.getName(),
					"--vstream.vtgate.address=" + vtgate, "--vstream.keyspace=commerce",
					"--vstream.start-position=copy", "--spring.main.banner-mode=off", "--logging.level.root=WARN"));
			switch (consumer) {
				case "starter-memory" -> command.add("--vstream.offset-store=memory");
				// the default store: JDBC, an embedded H2 file without a DataSource
				case "starter-jdbc" -> command.add("--vstream.jdbc.embedded-url=jdbc:h2:file:"
						+ this.work.resolve("offsets-" + consumer + "-" + round));
				default -> throw new IllegalArgumentException("unknown consumer " + consumer);
			}
		}
		this.log
			.println("$ " + String.join(" ", command).replace(System.getProperty("java.class.path"), "<classpath>"));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		Map<String, String> result = new HashMap<>();
		CompletableFuture<Double> writer = new CompletableFuture<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader out = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line; (line = out.readLine()) != null;) {
					this.log.println(line);
					if (line.startsWith("COPIED ")) {
						// The copy is over: write the live rows while the consumer
						// streams.
						Thread write = new Thread(() -> {
							try {
								writer.complete(table.write(rows + 1, rows + live, liveTx));
							}
							catch (Exception ex) {
								writer.completeExceptionally(ex);
							}
						});
						write.setDaemon(true);
						write.start();
					}
					else if (line.startsWith("RESULT ")) {
						for (String pair : line.substring("RESULT ".length()).trim().split(" ")) {
							String[] kv = pair.split("=", 2);
							result.put(kv[0], (kv.length > 1) ? kv[1] : "");
						}
					}
				}
			}
			catch (IOException ex) {
				this.log.println("reading the child's output failed: " + ex);
			}
		});
		reader.start();
		long timeoutSeconds = 120 + (rows + live) / 5_000;
		if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
			say("    " + consumer + " did not finish in " + timeoutSeconds + " s; killed (see the log)");
			process.destroyForcibly().waitFor();
		}
		reader.join(5000);
		double writeSeconds = Double.NaN;
		try {
			writeSeconds = writer.get(60, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			say("    writer: " + ex);
		}
		if (!result.containsKey("liveRows")) {
			return RealTrial.FAILED;
		}
		return RealTrial.of(result, live / writeSeconds);
	}

	private static String load() {
		return String.format(Locale.ROOT, "%.2f", OS.getSystemLoadAverage());
	}

	private void say(String line) {
		System.out.println(line);
		System.out.flush();
		this.log.println("## " + line);
	}

}
