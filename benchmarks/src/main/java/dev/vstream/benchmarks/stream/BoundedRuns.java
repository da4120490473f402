package dev.vstream.benchmarks.stream;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The runs of {@link Bench} bounded in time rather than in rows: back-pressure (a slow
 * listener on a long copy phase, the heap watched) and the latency against a real vtgate.
 */
final class BoundedRuns {

	private final Bench bench;

	private final SyntheticVtgate vtgate;

	private final Path work;

	BoundedRuns(Bench bench, SyntheticVtgate vtgate, Path work) {
		this.bench = bench;
		this.vtgate = vtgate;
		this.work = work;
	}

	String backPressure() throws Exception {
		long seconds = Long.parseLong(this.bench.option("bp-seconds", "90"));
		if (seconds <= 0) {
			return "back-pressure skipped";
		}
		long rows = Long.parseLong(this.bench.option("bp-rows", "5000000"));
		this.vtgate.configure(new SyntheticStream(100, false), rows);
		long sent0 = this.vtgate.rowsSent();
		this.bench.say("");
		this.bench.say("back-pressure: listener takes 1 ms per row, copy phase of " + rows + " rows offered, -Xmx512m, "
				+ seconds + " s");
		List<String> command = new ArrayList<>(List.of(this.bench.option("java", "java"), "-Xmx512m",
				"-Dbench.delay-micros=1000", "-Dbench.seconds=" + seconds, "-cp", System.getProperty("java.class.path"),
				"dev.vstream.benchmarks.stream.starter.StarterConsumer",
				"--vstream.vtgate.address=127.0.0.1:" + this.vtgate.port(),
				"--vstream.keyspace=" + SyntheticStream.KEYSPACE, "--spring.main.banner-mode=off",
				"--logging.level.root=WARN", "--vstream.start-position=copy", "--vstream.offset-store=jdbc",
				"--vstream.jdbc.embedded-url=jdbc:h2:file:" + this.work.resolve("offsets-bp")));
		Map<String, String> result = this.bench.runChild(command, "RESULT-BP ", seconds + 120, Long.MAX_VALUE / 2);
		if (result == null) {
			this.bench.say("back-pressure run failed (see the log)");
			return "back-pressure failed";
		}
		long sent = this.vtgate.rowsSent() - sent0;
		String line = String.format(Locale.ROOT,
				"back-pressure: %s rows handled in %s s, server sent %d rows (flow control held the rest); heap peak %d MiB, "
						+ "max used %d MiB, max after GC %d MiB, committed %d MiB",
				result.get("rows"), result.get("seconds"), sent, mib(result.get("peak")), mib(result.get("maxUsed")),
				mib(result.get("maxAfterGc")), mib(result.get("committed")));
		this.bench.say(line);
		return "bp-peak=" + mib(result.get("peak")) + "MiB after-gc-max=" + mib(result.get("maxAfterGc")) + "MiB";
	}

	private static long mib(String bytes) {
		return Long.parseLong(bytes) / (1024 * 1024);
	}

	String latency() throws Exception {
		String vtgateAddress = this.bench.option("vtgate", "");
		if (vtgateAddress.isEmpty()) {
			return "latency skipped";
		}
		int rate = Integer.parseInt(this.bench.option("latency-rate", "100"));
		int seconds = Integer.parseInt(this.bench.option("latency-seconds", "60"));
		this.bench.say("");
		this.bench
			.say("latency against the real vtgate " + vtgateAddress + ": " + rate + " commits/s for " + seconds + " s");
		List<String> command = new ArrayList<>(List.of(this.bench.option("java", "java"), "-Xmx512m",
				"-Dbench.mysql-url=" + this.bench.option("mysql-url", "jdbc:mariadb://127.0.0.1:18993/commerce"),
				"-Dbench.rate=" + rate, "-Dbench.seconds=" + seconds, "-cp", System.getProperty("java.class.path"),
				"dev.vstream.benchmarks.stream.latency.LatencyProbe", "--vstream.vtgate.address=" + vtgateAddress,
				"--vstream.keyspace=commerce", "--spring.main.banner-mode=off", "--logging.level.root=WARN",
				"--vstream.start-position=current", "--vstream.offset-store=memory"));
		Map<String, String> result = this.bench.runChild(command, "RESULT-LAT ", seconds + 120, Long.MAX_VALUE / 2);
		if (result == null || result.containsKey("error")) {
			this.bench.say("latency run failed: " + result);
			return "latency failed";
		}
		String line = String.format(Locale.ROOT,
				"latency: commit on vtgate -> listener call at %s commits/s for %s s: p50 %.1f ms, p99 %.1f ms, max %.1f ms "
						+ "(%s samples, %s missing)",
				result.get("rate"), result.get("seconds"), ms(result.get("p50")), ms(result.get("p99")),
				ms(result.get("max")), result.get("samples"), result.get("missing"));
		this.bench.say(line);
		return String.format(Locale.ROOT, "latency p50=%.1fms p99=%.1fms @%s/s", ms(result.get("p50")),
				ms(result.get("p99")), result.get("rate"));
	}

	private static double ms(String nanos) {
		return Long.parseLong(nanos) / 1e6;
	}

}
