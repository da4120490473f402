package dev.vstream.benchmarks.stream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The shard trials of {@link Bench} (issue 17, item 7): the synthetic vtgate serves the
 * keyspace as N shards ({@link SyntheticVtgate#configureShards}), and two starter
 * applications take all of them, each with the JDBC batched offset store of
 * {@code starter-batched}:
 * <ul>
 * <li>{@code shards-single}: {@code vstream.scaling.mode=single}, one VStream of the
 * keyspace, whose VGTIDs list every shard;</li>
 * <li>{@code shards-distributed}: {@code vstream.scaling.mode=shard-distributed} with
 * Spring Integration's JDBC locks on the embedded H2 file, the one instance owning every
 * shard: one stream (and thread) per shard, each shard's position saved on its own under
 * its lock. The server starts the shard streams once all are asked for.</li>
 * </ul>
 * Both count rows from any thread ({@link Meter#addShared}) and report their footprint
 * over the measured window (live threads at the end and their peak, the heap pools' peak,
 * the heap after a full collection at the end) and the process CPU time per row, so that
 * the growth from 1 to N shards shows ({@code SUMMARY-SHARDS}).
 */
final class ShardBench {

	private static final List<String> FOOTPRINT = List.of("-Dbench.footprint=true", "-Dbench.shared-meter=true");

	private final Bench bench;

	private final SyntheticVtgate vtgate;

	private final List<String> consumers;

	private final List<Integer> shardCounts;

	private final List<Integer> sizes;

	private final long rows;

	private final int rounds;

	/** Medians by "consumer/size/shards". */
	private final Map<String, Result> medians = new LinkedHashMap<>();

	ShardBench(Bench bench, SyntheticVtgate vtgate, List<String> consumers, List<Integer> shardCounts,
			List<Integer> sizes, long rows, int rounds) {
		this.bench = bench;
		this.vtgate = vtgate;
		this.consumers = consumers;
		this.shardCounts = shardCounts.stream().filter((n) -> n > 0).sorted().distinct().toList();
		this.sizes = sizes;
		this.rows = rows;
		this.rounds = rounds;
	}

	void run() throws Exception {
		if (this.consumers.isEmpty() || this.shardCounts.isEmpty()) {
			return;
		}
		int most = this.shardCounts.stream().mapToInt(Integer::intValue).max().getAsInt();
		this.bench.say("");
		this.bench.say("shards: " + this.shardCounts + " shards of one keyspace, consumers " + this.consumers + ", "
				+ this.rows + " rows per trial (the first third is warm-up), " + this.rounds + " rounds");
		for (int size : this.sizes) {
			// Every shard stream gets the same whole number of transactions.
			long trialRows = Math.max(1, this.rows / ((long) most * size)) * most * size;
			for (int shards : this.shardCounts) {
				this.vtgate.configureShards(shards, size, trialRows);
				Map<String, List<Result>> results = new LinkedHashMap<>();
				for (int round = 1; round <= this.rounds; round++) {
					for (String consumer : this.consumers) {
						Result result = Result.of(this.bench,
								this.bench.runTrial(consumer, size, trialRows, FOOTPRINT));
						this.bench.say(String.format(Locale.ROOT, "tx=%d shards=%-2d round %d %-18s %s", size, shards,
								round, consumer, result));
						results.computeIfAbsent(consumer, (c) -> new ArrayList<>()).add(result);
					}
				}
				results.forEach(
						(consumer, trials) -> this.medians.put(key(consumer, size, shards), Result.median(trials)));
			}
		}
		this.bench.say("");
		this.bench.say("shard medians (rows/s | B/row | client cores | server cores | CPU/row | threads at end "
				+ "(peak) | heap peak, after a full GC at the end)");
		for (int size : this.sizes) {
			for (String consumer : this.consumers) {
				for (int shards : this.shardCounts) {
					this.bench.say(String.format(Locale.ROOT, "  tx=%-3d shards=%-2d %-18s %s", size, shards, consumer,
							this.medians.get(key(consumer, size, shards))));
				}
			}
		}
	}

	/**
	 * Say {@code SUMMARY-SHARDS}: per consumer and transaction size, each shard count's
	 * rows/s, CPU per row, peak threads and heap after GC, and the growth from the fewest
	 * to the most shards.
	 */
	void summary() {
		if (this.medians.isEmpty()) {
			return;
		}
		int fewest = this.shardCounts.get(0);
		int most = this.shardCounts.get(this.shardCounts.size() - 1);
		StringBuilder line = new StringBuilder("SUMMARY-SHARDS");
		for (int size : this.sizes) {
			for (String consumer : this.consumers) {
				line.append(" | tx=").append(size).append(' ').append(consumer.substring("shards-".length()));
				for (int shards : this.shardCounts) {
					Result r = this.medians.get(key(consumer, size, shards));
					line.append(String.format(Locale.ROOT, " %d=%.0f/s,%.2fus/row,%dthr,%dMiB", shards,
							r.trial().rate(), r.cpuPerRowMicros(), r.peakThreads(), mib(r.heapLive())));
				}
				Result a = this.medians.get(key(consumer, size, fewest));
				Result b = this.medians.get(key(consumer, size, most));
				if (fewest != most) {
					line.append(String.format(Locale.ROOT,
							" %d/%d: rows/s %.2fx cpu/row %.2fx threads %+d heap-live %.2fx", most, fewest,
							b.trial().rate() / a.trial().rate(), b.cpuPerRowMicros() / a.cpuPerRowMicros(),
							b.peakThreads() - a.peakThreads(), (double) b.heapLive() / a.heapLive()));
				}
			}
		}
		this.bench.say(line.toString());
	}

	private static String key(String consumer, int size, int shards) {
		return consumer + "/" + size + "/" + shards;
	}

	private static long mib(long bytes) {
		return bytes / (1024 * 1024);
	}

	/**
	 * One shard trial.
	 *
	 * @param trial rows/s, allocation, CPU
	 * @param cpuPerRowMicros the consumer's process CPU time over the window per row
	 * @param threads live threads at the end
	 * @param peakThreads the most live threads during the window
	 * @param heapPeak the heap pools' peak usage during the window
	 * @param heapLive heap used after a full collection at the end
	 */
	record Result(Trial trial, double cpuPerRowMicros, int threads, int peakThreads, long heapPeak, long heapLive) {

		static final Result FAILED = new Result(Trial.FAILED, Double.NaN, 0, 0, 0, 0);

		static Result of(Bench bench, Map<String, String> result) {
			if (result == null || !result.containsKey("heapLive")) {
				return FAILED;
			}
			return new Result(bench.toTrial(result),
					Long.parseLong(result.get("cpu")) / 1e3 / Long.parseLong(result.get("rows")),
					Integer.parseInt(result.get("threads")), Integer.parseInt(result.get("peakThreads")),
					Long.parseLong(result.get("heapPeak")), Long.parseLong(result.get("heapLive")));
		}

		static Result median(List<Result> results) {
			List<Result> sorted = results.stream()
				.filter((r) -> !Double.isNaN(r.trial().rate()))
				.sorted((a, b) -> Double.compare(a.trial().rate(), b.trial().rate()))
				.toList();
			return sorted.isEmpty() ? FAILED : sorted.get(sorted.size() / 2);
		}

		@Override
		public String toString() {
			if (Double.isNaN(this.trial.rate())) {
				return "FAILED";
			}
			return String.format(Locale.ROOT,
					"%s | %5.2f us CPU/row | %3d threads (peak %3d) | heap peak %4d MiB, " + "after GC %3d MiB",
					this.trial, this.cpuPerRowMicros, this.threads, this.peakThreads, mib(this.heapPeak),
					mib(this.heapLive));
		}

	}

}
