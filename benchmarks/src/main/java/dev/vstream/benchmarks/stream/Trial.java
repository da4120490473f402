package dev.vstream.benchmarks.stream;

import java.util.List;
import java.util.Locale;

/**
 * One trial's figures.
 *
 * @param rate rows per second
 * @param allocPerRow bytes allocated per row, all threads of the consumer's JVM
 * @param clientCores the consumer JVM's CPU time over wall time
 * @param serverCores the harness JVM's (the server's) CPU time over wall time
 */
record Trial(double rate, double allocPerRow, double clientCores, double serverCores) {

	static final Trial FAILED = new Trial(Double.NaN, Double.NaN, Double.NaN, Double.NaN);

	static Trial median(List<Trial> trials) {
		List<Trial> sorted = trials.stream()
			.filter((t) -> !Double.isNaN(t.rate()))
			.sorted((a, b) -> Double.compare(a.rate(), b.rate()))
			.toList();
		return sorted.isEmpty() ? FAILED : sorted.get(sorted.size() / 2);
	}

	@Override
	public String toString() {
		if (Double.isNaN(this.rate)) {
			return "FAILED";
		}
		return String.format(Locale.ROOT, "%,10.0f rows/s | %,7.0f B/row | client %.2f cores | server %.2f cores",
				this.rate, this.allocPerRow, this.clientCores, this.serverCores);
	}

}
