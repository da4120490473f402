package dev.vstream.benchmarks.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The figures {@link Bench} reports once every trial ran: the medians per consumer and
 * transaction size, and the SUMMARY line with the ratios side by side.
 */
final class BenchReport {

	private BenchReport() {
	}

	/**
	 * Say the medians of every consumer at every transaction size.
	 */
	static void medians(List<Integer> sizes, List<String> consumers, Map<String, Trial> medians, Consumer<String> say) {
		say.accept("");
		say.accept("medians (rows/s | bytes allocated per row | client CPU cores | server CPU cores)");
		List<String> all = new ArrayList<>();
		all.add("discard");
		all.addAll(consumers);
		for (int size : sizes) {
			for (String consumer : all) {
				Trial t = medians.get(consumer + "/" + size);
				if (t != null) {
					say.accept(String.format(Locale.ROOT, "  tx=%-3d %-16s %s", size, consumer, t));
				}
			}
		}
	}

	/**
	 * Say the one-line summary: the ratios side by side, then the back-pressure and
	 * latency results.
	 */
	static void summary(List<Integer> sizes, Map<String, Trial> medians, String backPressure, String latency,
			Consumer<String> say) {
		StringBuilder line = new StringBuilder("SUMMARY");
		for (int size : sizes) {
			Trial limit = medians.get("limit/" + size);
			Trial batched = medians.get("starter-batched/" + size);
			Trial perTx = medians.get("starter-tx/" + size);
			Trial memory = medians.get("starter-memory/" + size);
			Trial debezium = medians.get("debezium/" + size);
			Trial observed = medians.get("starter-observed/" + size);
			Trial metered = medians.get("starter-metered/" + size);
			Trial narrow = medians.get("starter-narrow/" + size);
			line.append(" | tx=").append(size);
			if (batched != null && limit != null) {
				line.append(ratio(" starter/limit=", batched, limit));
			}
			if (narrow != null && limit != null) {
				line.append(ratio(" narrow/limit=", narrow, limit));
			}
			if (batched != null && debezium != null) {
				line.append(ratio(" starter/debezium=", batched, debezium));
			}
			if (observed != null && batched != null) {
				line.append(ratio(" observed/plain=", observed, batched));
			}
			if (metered != null && batched != null) {
				line.append(ratio(" metered/plain=", metered, batched));
			}
			if (batched != null && memory != null) {
				line.append(String.format(Locale.ROOT, " checkpoint-cost batched=%.1f%%",
						100 * (1 - batched.rate() / memory.rate())));
			}
			if (perTx != null && batched != null) {
				line.append(ratio(" default/batched=", perTx, batched));
			}
			if (perTx != null && memory != null) {
				line.append(String.format(Locale.ROOT, " per-tx=%.1f%%", 100 * (1 - perTx.rate() / memory.rate())));
			}
		}
		line.append(" | ").append(backPressure).append(" | ").append(latency);
		say.accept("");
		say.accept(line.toString());
	}

	private static String ratio(String label, Trial a, Trial b) {
		return String.format(Locale.ROOT, "%s%.2f", label, a.rate() / b.rate());
	}

}
