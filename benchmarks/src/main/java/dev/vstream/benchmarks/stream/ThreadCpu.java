package dev.vstream.benchmarks.stream;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CPU time of every thread of this process, the JVM's own included (compiler, GC), read
 * from Linux's {@code /proc/self/task/<tid>/schedstat} (nanoseconds on a CPU) and
 * {@code comm} (the name, 15 characters at most); threads are grouped by name with digits
 * folded ({@code C2 CompilerThre#}). Empty where there is no {@code /proc}. For profiling
 * benchmarks only.
 */
public final class ThreadCpu {

	private final Map<String, Long> nanos;

	private ThreadCpu(Map<String, Long> nanos) {
		this.nanos = nanos;
	}

	/**
	 * @return the CPU time of each group of threads now
	 */
	public static ThreadCpu now() {
		Map<String, Long> nanos = new HashMap<>();
		try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
			for (Path task : tasks) {
				try {
					String name = Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]+", "#");
					String schedstat = Files.readString(task.resolve("schedstat")).trim();
					long cpu = Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
					nanos.merge(name, cpu, Long::sum);
				}
				catch (IOException | RuntimeException ex) {
					// the thread ended meanwhile
				}
			}
		}
		catch (IOException ex) {
			// not Linux
		}
		return new ThreadCpu(nanos);
	}

	/**
	 * Lines of the CPU each group of threads spent since an earlier reading, largest
	 * first, those of at least 1 ms.
	 * @param earlier the earlier reading
	 * @param units what to divide by for the second figure (rows, saves)
	 * @param unit its name
	 * @return the lines
	 */
	public List<String> since(ThreadCpu earlier, long units, String unit) {
		Map<String, Long> deltas = new HashMap<>();
		this.nanos.forEach((name, cpu) -> deltas.put(name, cpu - earlier.nanos.getOrDefault(name, 0L)));
		List<Map.Entry<String, Long>> sorted = new ArrayList<>(deltas.entrySet());
		sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
		List<String> lines = new ArrayList<>();
		long total = deltas.values().stream().mapToLong(Long::longValue).sum();
		lines.add(String.format(Locale.ROOT, "%8.1f ms %7.1f us/%s  all threads", total / 1e6, total / 1e3 / units,
				unit));
		for (Map.Entry<String, Long> entry : sorted) {
			if (entry.getValue() >= 1_000_000) {
				lines.add(String.format(Locale.ROOT, "%8.1f ms %7.1f us/%s  %s", entry.getValue() / 1e6,
						entry.getValue() / 1e3 / units, unit, entry.getKey()));
			}
		}
		return lines;
	}

}
