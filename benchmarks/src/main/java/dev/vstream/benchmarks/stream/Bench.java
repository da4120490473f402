package dev.vstream.benchmarks.stream;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.sun.management.OperatingSystemMXBean;

/**
 * The benchmark harness (see BENCHMARKS.md; run by {@code scripts/bench.sh}). It owns the
 * {@link SyntheticVtgate} and runs each consumer of the identical stream in its own child
 * JVM, alternating them round after round, then reports medians: rows/s, bytes allocated
 * per row and the ratios; then the shard trials ({@link ShardBench}), the back-pressure
 * run and the latency run against a real vtgate ({@link BoundedRuns}).
 *
 * <p>
 * Options ({@code --name value}): {@code rows} (per trial, default 6000000, the first
 * third not measured; {@code rows-tx1} for 1-row transactions, default a quarter of it;
 * Debezium gets a quarter of either), {@code rounds} (3), {@code tx} (transaction sizes,
 * "1,10,100"), {@code consumers} ("limit,starter-memory,starter-batched,starter-narrow,
 * starter-observed,starter-tx,debezium,shards-single,shards-distributed"; starter-narrow
 * is starter-batched with a record of 3 of the 10 columns; starter-tx is the default
 * checkpoint policy, with group commit; also {@code starter-tx-nogroup} without it,
 * {@code limit-spin} and {@code limit-park} (the bare loop spinning or parking before
 * each response; {@code limit} spins at 1-row transactions only, where that is faster),
 * {@code starter-batched:N}, {@code starter-memory-h2}, memory offsets with an H2 file
 * database opened at start-up, and {@code starter-metered}, starter-observed without the
 * listener observation), {@code debezium-cp} (classpath of the Debezium consumer; empty
 * skips it), {@code observed-cp} (what starter-observed and starter-metered add to the
 * classpath: Actuator; empty skips them), {@code scaling-cp} (what the shard consumers
 * add: Spring Integration; empty skips shards-distributed), {@code shards} (shard counts
 * of the shard trials, "1,16"), {@code shards-tx} (their transaction sizes, "10"),
 * {@code shards-rows} (their rows, default {@code rows}), {@code shards-rounds} (default
 * {@code rounds}), {@code java} (the child JVMs' java), {@code jvm-args} (extra child JVM
 * options, e.g. a profiler), {@code bp-seconds} (back-pressure window, 90; 0 skips it),
 * {@code bp-rows} (5000000), {@code vtgate} and {@code mysql-url} (real cluster for the
 * latency run; empty skips it), {@code latency-rate} (100), {@code latency-seconds} (60),
 * {@code log} (file for the children's output).
 *
 * <p>
 * The shard consumers ({@code shards-*}) run only in the shard trials, the others only
 * per transaction size; a list of shard consumers alone runs just the shard trials.
 */
public final class Bench {

	private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	/**
	 * Held: java.util.logging keeps loggers weakly, and a collected one forgets its
	 * level.
	 */
	private static final Logger NETTY_SERVER_LOG = Logger
		.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler");

	private static final String DEFAULT_CONSUMERS = "limit,starter-memory,starter-batched,starter-narrow,starter-observed,starter-tx,"
			+ "debezium,shards-single,shards-distributed";

	/** How often the spinning bare loop looks for a response before it parks. */
	private static final int SPINS = 2000;

	private final Map<String, String> options;

	private final SyntheticVtgate vtgate;

	private final PrintWriter log;

	private final Path work;

	private int trialNumber;

	private Bench(Map<String, String> options) throws IOException {
		this.options = options;
		this.vtgate = new SyntheticVtgate(0);
		this.log = new PrintWriter(Files.newBufferedWriter(Path.of(option("log", "benchmarks/target/bench.log"))),
				true);
		this.work = Files.createTempDirectory("vstream-bench");
	}

	/**
	 * @param args {@code --name value} pairs
	 * @throws Exception on failure
	 */
	public static void main(String[] args) throws Exception {
		// A child's JVM ends without closing its stream: the server's warning about it is
		// noise.
		NETTY_SERVER_LOG.setLevel(Level.SEVERE);
		Map<String, String> options = new HashMap<>();
		for (int i = 0; i + 1 < args.length; i += 2) {
			options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
		}
		Bench bench = new Bench(options);
		try {
			bench.run();
		}
		finally {
			bench.vtgate.close();
		}
	}

	String option(String name, String defaultValue) {
		return this.options.getOrDefault(name, defaultValue);
	}

	private void run() throws Exception {
		long rows = Long.parseLong(option("rows", "6000000"));
		int rounds = Integer.parseInt(option("rounds", "3"));
		List<Integer> sizes = Arrays.stream(option("tx", "1,10,100").split(",")).map(Integer::parseInt).toList();
		List<String> consumers = new ArrayList<>(List.of(option("consumers", DEFAULT_CONSUMERS).split(",")));
		if (option("debezium-cp", "").isEmpty()) {
			consumers.remove("debezium");
		}
		if (option("observed-cp", "").isEmpty()
				&& consumers.removeAll(List.of("starter-observed", "starter-metered"))) {
			say("no --observed-cp (Actuator's classpath): starter-observed and starter-metered skipped");
		}
		if (option("scaling-cp", "").isEmpty() && consumers.remove("shards-distributed")) {
			say("no --scaling-cp (Spring Integration's classpath): shards-distributed skipped");
		}
		// The shard consumers run in trials of their own (ShardBench), the others per
		// transaction size.
		List<String> shardConsumers = consumers.stream().filter((c) -> c.startsWith("shards-")).toList();
		consumers.removeAll(shardConsumers);
		say("machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, java "
				+ System.getProperty("java.version") + ", load average "
				+ String.format(Locale.ROOT, "%.2f", OS.getSystemLoadAverage()));
		Map<String, Trial> medians = new LinkedHashMap<>();
		if (!consumers.isEmpty()) {
			say("synthetic vtgate on 127.0.0.1:" + this.vtgate.port() + "; " + rows + " rows per trial (a quarter for "
					+ "1-row transactions, a quarter of that for Debezium; the first third is warm-up, not measured), "
					+ rounds + " rounds, consumers " + consumers);
			for (int size : sizes) {
				runSize(size, rows, rounds, consumers, medians);
			}
			BenchReport.medians(sizes, consumers, medians, this::say);
		}
		ShardBench shards = new ShardBench(this, this.vtgate, shardConsumers,
				Arrays.stream(option("shards", "1,16").split(",")).map(Integer::parseInt).toList(),
				Arrays.stream(option("shards-tx", "10").split(",")).map(Integer::parseInt).toList(),
				Long.parseLong(option("shards-rows", "" + rows)),
				Integer.parseInt(option("shards-rounds", "" + rounds)));
		shards.run();
		BoundedRuns bounded = new BoundedRuns(this, this.vtgate, this.work);
		String backPressure = bounded.backPressure();
		String latency = bounded.latency();
		BenchReport.summary(consumers.isEmpty() ? List.of() : sizes, medians, backPressure, latency, this::say);
		shards.summary();
	}

	private void runSize(int size, long rows, int rounds, List<String> consumers, Map<String, Trial> medians)
			throws Exception {
		// One response per row costs gRPC a message hand-off per row: a quarter of the
		// rows keeps the single-row trials as long as the others.
		long trialRows = (size == 1) ? Long.parseLong(option("rows-tx1", "" + rows / 4)) : rows;
		this.vtgate.configure(new SyntheticStream(size, false), trialRows);
		Trial server = trial("discard", size, trialRows);
		say(String.format(Locale.ROOT, "tx=%d server alone (discarding client): %s", size, server));
		medians.put("discard/" + size, server);
		Map<String, List<Trial>> results = new LinkedHashMap<>();
		for (int round = 1; round <= rounds; round++) {
			for (String consumer : consumers) {
				Trial trial = trial(consumer, size, trialRows);
				say(String.format(Locale.ROOT, "tx=%d round %d %-16s %s", size, round, consumer, trial));
				results.computeIfAbsent(consumer, (c) -> new ArrayList<>()).add(trial);
			}
		}
		results.forEach((consumer, trials) -> medians.put(consumer + "/" + size, Trial.median(trials)));
	}

	private Trial trial(String consumer, int size, long offered) throws Exception {
		// Debezium is an order of magnitude slower: a quarter of the rows still measures
		// it for longer than the others, and keeps the run within minutes.
		long rows = consumer.equals("debezium") ? offered / 4 : offered;
		return toTrial(runTrial(consumer, size, rows, List.of()));
	}

	Trial toTrial(Map<String, String> result) {
		if (result == null) {
			return Trial.FAILED;
		}
		long measured = Long.parseLong(result.get("rows"));
		long nanos = Long.parseLong(result.get("nanos"));
		return new Trial(measured * 1e9 / nanos, (double) Long.parseLong(result.get("alloc")) / measured,
				(double) Long.parseLong(result.get("cpu")) / nanos, this.serverCpu);
	}

	/**
	 * Run one consumer in its child JVM on the stream the vtgate is configured with.
	 * @param consumer the consumer's name
	 * @param size rows per transaction
	 * @param rows rows the consumer waits for
	 * @param jvmOptions extra options of the child JVM
	 * @return the child's {@code RESULT} pairs, {@code null} when it failed
	 */
	Map<String, String> runTrial(String consumer, int size, long rows, List<String> jvmOptions) throws Exception {
		int n = ++this.trialNumber;
		String address = "127.0.0.1:" + this.vtgate.port();
		List<String> command = new ArrayList<>();
		String java = option("java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add(java);
		command.add("-Xmx1g");
		command.add("-Dbench.rows=" + rows);
		// A third is warm-up: the starter's Spring stack needs a few seconds of JIT
		// before its steady state.
		command.add("-Dbench.warmup=" + rows / 3);
		command.addAll(jvmOptions);
		if (consumer.startsWith("limit")) {
			// The fastest bare loop per size: spinning before parking wins with 1-row
			// transactions and loses with larger ones on 2 cores (AheadIterator).
			boolean spin = consumer.equals("limit-spin") || (consumer.equals("limit") && size == 1);
			command.add("-Dbench.spins=" + (spin ? SPINS : 0));
		}
		String extra = option("jvm-args", "");
		if (!extra.isBlank()) {
			command.addAll(List.of(extra.replace("{trial}", consumer + "-tx" + size + "-" + n).split(" ")));
		}
		command.add("-cp");
		if (consumer.equals("debezium")) {
			command.add(option("debezium-cp", ""));
			command.add("dev.vstream.benchmarks.debezium.DebeziumConsumer");
			command.add(address);
		}
		else {
			command.add(classpath(consumer));
			switch (consumer) {
				case "discard" -> command.addAll(List.of(DiscardConsumer.class.getName(), address, "" + size));
				case "limit", "limit-spin", "limit-park" ->
					command.addAll(List.of(LimitConsumer.class.getName(), address));
				default -> {
					command.add("dev.vstream.benchmarks.stream.starter.StarterConsumer");
					command.addAll(starterArguments(consumer, address, n));
				}
			}
		}
		long timeoutSeconds = 120 + rows / 10_000;
		return runChild(command, "RESULT ", timeoutSeconds, rows);
	}

	/**
	 * The harness's classpath, plus Actuator for the observed consumers and Spring
	 * Integration for the shard trials (each kept off the other consumers' classpath).
	 */
	private String classpath(String consumer) {
		String extra = "";
		if (consumer.equals("starter-observed") || consumer.equals("starter-metered")) {
			extra = option("observed-cp", "");
		}
		else if (consumer.startsWith("shards-")) {
			extra = option("scaling-cp", "");
		}
		String own = System.getProperty("java.class.path");
		return extra.isEmpty() ? own : own + File.pathSeparator + extra;
	}

	private List<String> starterArguments(String consumer, String address, int n) {
		List<String> args = new ArrayList<>(
				List.of("--vstream.vtgate.address=" + address, "--vstream.keyspace=" + SyntheticStream.KEYSPACE,
						"--spring.main.banner-mode=off", "--logging.level.root=WARN"));
		switch (consumer) {
			case "starter-memory" -> args.add("--vstream.offset-store=memory");
			// memory offsets, but an H2 file database opened and written at start-up (see
			// StarterConsumer)
			case "starter-memory-h2" -> args.addAll(List.of("--vstream.offset-store=memory",
					"--bench.open-h2=jdbc:h2:file:" + this.work.resolve("h2-" + n)));
			case "starter-tx" -> args.addAll(List.of("--vstream.offset-store=jdbc",
					"--vstream.jdbc.embedded-url=jdbc:h2:file:" + this.work.resolve("offsets-" + n),
					"--vstream.checkpoint.transactions=1"));
			// the default policy without group commit (as before it existed)
			case "starter-tx-nogroup" -> args.addAll(List.of("--vstream.offset-store=jdbc",
					"--vstream.jdbc.embedded-url=jdbc:h2:file:" + this.work.resolve("offsets-" + n),
					"--vstream.checkpoint.transactions=1", "--vstream.checkpoint.group.transactions=1",
					"--vstream.checkpoint.group.min-interval=0"));
			case "starter-batched", "shards-single" -> args.addAll(batched(n));
			// starter-batched with Actuator (SimpleMeterRegistry, as the sample app gets)
			// and the listener observation on; starter-metered without the observation
			case "starter-observed" -> {
				args.addAll(batched(n));
				args.add("--vstream.observation.enabled=true");
			}
			case "starter-metered" -> args.addAll(batched(n));
			// batched, with a record of 3 of the 10 columns (projected by the starter)
			case "starter-narrow" -> {
				args.addAll(batched(n));
				args.add("--bench.narrow=true");
			}
			// Every shard its own stream, locks and fenced positions on the same H2 file.
			// A short lease: the instance takes one shard per check during its first
			// lease, and the trial's streams start once it owns them all.
			// (The stop timeout only kept below the lease, as the starter asks.)
			case "shards-distributed" -> {
				args.addAll(batched(n));
				args.addAll(List.of("--vstream.scaling.mode=shard-distributed", "--vstream.scaling.lease=4s",
						"--vstream.scaling.check-interval=1s", "--vstream.stop-timeout=3s"));
			}
			default -> {
				// starter-batched:N saves every N transactions (and once a second)
				if (!consumer.startsWith("starter-batched:")) {
					throw new IllegalArgumentException("unknown consumer " + consumer);
				}
				args.addAll(List.of("--vstream.offset-store=jdbc",
						"--vstream.jdbc.embedded-url=jdbc:h2:file:" + this.work.resolve("offsets-" + n),
						"--vstream.checkpoint.transactions=" + consumer.substring(consumer.indexOf(':') + 1),
						"--vstream.checkpoint.interval=1s"));
			}
		}
		args.add("--vstream.start-position=current");
		return args;
	}

	/** The JDBC/H2 offset store saving every 1,000 transactions or once a second. */
	private List<String> batched(int n) {
		return List.of("--vstream.offset-store=jdbc",
				"--vstream.jdbc.embedded-url=jdbc:h2:file:" + this.work.resolve("offsets-" + n),
				"--vstream.checkpoint.transactions=1000", "--vstream.checkpoint.interval=1s");
	}

	private volatile double serverCpu;

	/**
	 * Run a child JVM, copying its output to the log, until it prints the result line.
	 * Meanwhile watch this JVM's CPU time (it is the server's) while the server streams
	 * the measured rows.
	 */
	Map<String, String> runChild(List<String> command, String marker, long timeoutSeconds, long rows) throws Exception {
		this.log.println("$ " + String.join(" ", command));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		Map<String, String> result = new HashMap<>();
		long sentAtStart = this.vtgate.rowsSent();
		this.serverCpu = Double.NaN;
		Thread watcher = new Thread(() -> watchServer(sentAtStart, rows, process));
		watcher.setDaemon(true);
		watcher.start();
		Thread reader = new Thread(() -> {
			try (BufferedReader out = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line; (line = out.readLine()) != null;) {
					this.log.println(line);
					if (line.startsWith(marker)) {
						for (String pair : line.substring(marker.length()).trim().split(" ")) {
							String[] kv = pair.split("=", 2);
							result.put(kv[0], kv[1]);
						}
					}
					else if (line.startsWith("heap ") || line.startsWith("wrote ")) {
						say("    " + line);
					}
				}
			}
			catch (IOException ex) {
				this.log.println("reading the child's output failed: " + ex);
			}
		});
		reader.start();
		if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
			say("    child did not finish in " + timeoutSeconds + " s; killed (see the log)");
			process.destroyForcibly().waitFor();
		}
		reader.join(5000);
		watcher.join(1000);
		return result.isEmpty() ? null : result;
	}

	private void watchServer(long sentAtStart, long rows, Process process) {
		long warm = sentAtStart + rows / 3;
		long end = sentAtStart + rows;
		long cpu0 = 0;
		long t0 = 0;
		while (process.isAlive()) {
			long sent = this.vtgate.rowsSent();
			if (t0 == 0 && sent >= warm) {
				t0 = System.nanoTime();
				cpu0 = OS.getProcessCpuTime();
			}
			if (t0 != 0 && sent >= end) {
				this.serverCpu = (double) (OS.getProcessCpuTime() - cpu0) / (System.nanoTime() - t0);
				return;
			}
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	void say(String line) {
		System.out.println(line);
		System.out.flush();
		this.log.println("## " + line);
	}

}
