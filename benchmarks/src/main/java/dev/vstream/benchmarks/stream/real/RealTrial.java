package dev.vstream.benchmarks.stream.real;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * One trial of {@link RealClientBench}: what a consumer's {@code RESULT} line said.
 *
 * @param copyRows rows copied
 * @param copySeconds from the stream's start to the last copied row
 * @param copyCpuSeconds the consumer process's CPU time over that span
 * @param firstRowSeconds from the stream's start to the first copied row
 * @param liveRows live rows received
 * @param liveSeconds from the first live row to the last
 * @param liveCpuSeconds the consumer process's CPU time over that span
 * @param writeRate rows per second the writer committed in the live phase
 */
record RealTrial(long copyRows, double copySeconds, double copyCpuSeconds, double firstRowSeconds, long liveRows,
		double liveSeconds, double liveCpuSeconds, double writeRate) {

	static final RealTrial FAILED = new RealTrial(0, Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN,
			Double.NaN);

	static RealTrial of(Map<String, String> result, double writeRate) {
		return new RealTrial(Long.parseLong(result.get("copyRows")), seconds(result, "copyNanos"),
				seconds(result, "copyCpuNanos"), seconds(result, "firstRowNanos"),
				Long.parseLong(result.get("liveRows")), seconds(result, "liveNanos"), seconds(result, "liveCpuNanos"),
				writeRate);
	}

	private static double seconds(Map<String, String> result, String key) {
		return Long.parseLong(result.get(key)) / 1e9;
	}

	double copyRate() {
		return this.copyRows / this.copySeconds;
	}

	double liveRate() {
		return this.liveRows / this.liveSeconds;
	}

	/**
	 * @return CPU microseconds per live row
	 */
	double liveCpuPerRow() {
		return this.liveCpuSeconds * 1e6 / this.liveRows;
	}

	/**
	 * Each figure's median over the rounds (the mean of the middle two for an even
	 * count): copy and live figures may come from different rounds.
	 * @param trials the rounds' trials
	 * @return the medians, {@link #FAILED} when every trial failed
	 */
	static RealTrial median(List<RealTrial> trials) {
		List<RealTrial> ok = trials.stream().filter((t) -> !Double.isNaN(t.copySeconds())).toList();
		if (ok.isEmpty()) {
			return FAILED;
		}
		return new RealTrial(ok.get(0).copyRows(), median(ok, RealTrial::copySeconds),
				median(ok, RealTrial::copyCpuSeconds), median(ok, RealTrial::firstRowSeconds), ok.get(0).liveRows(),
				median(ok, RealTrial::liveSeconds), median(ok, RealTrial::liveCpuSeconds),
				median(ok, RealTrial::writeRate));
	}

	private static double median(List<RealTrial> trials, ToDoubleFunction<RealTrial> figure) {
		double[] values = trials.stream().mapToDouble(figure).sorted().toArray();
		int middle = values.length / 2;
		return (values.length % 2 == 1) ? values[middle] : (values[middle - 1] + values[middle]) / 2;
	}

	@Override
	public String toString() {
		if (Double.isNaN(this.copySeconds)) {
			return "FAILED";
		}
		return String.format(Locale.ROOT,
				"copy %,9.0f rows/s, %.2f cores, %5.1f us CPU/row, first row %4.0f ms | live %,7.0f rows/s "
						+ "(writer %,7.0f), %.2f cores, %5.1f us CPU/row",
				copyRate(), this.copyCpuSeconds / this.copySeconds, this.copyCpuSeconds * 1e6 / this.copyRows,
				this.firstRowSeconds * 1000, liveRate(), this.writeRate, this.liveCpuSeconds / this.liveSeconds,
				liveCpuPerRow());
	}

}
