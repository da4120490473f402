package dev.vstream.benchmarks.stream;

import java.lang.management.ManagementFactory;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;

/**
 * Counts the rows a consumer received and measures its steady state: the window from the
 * row that ends the warm-up to the last expected row, in wall time, bytes allocated by
 * all of the JVM's threads and process CPU time. When the last row arrives it prints one
 * {@code RESULT} line for the harness and ends the JVM at once (a consumer's shutdown is
 * not part of the measurement, and some engines take long to stop).
 *
 * <p>
 * Called from the one thread that delivers rows, so it needs no synchronization.
 */
public final class Meter {

	private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

	private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private final long expected;

	private final long warmup;

	private long count;

	private long startNanos;

	private long startAlloc;

	private long startCpu;

	private boolean done;

	/**
	 * @param expected rows the server offers; the last one ends the measurement
	 * @param warmup rows not measured, so that the JIT has compiled the hot paths
	 */
	public Meter(long expected, long warmup) {
		this.expected = expected;
		this.warmup = warmup;
	}

	/**
	 * A meter configured by the harness through system properties {@code bench.rows} and
	 * {@code bench.warmup}.
	 * @return the meter
	 */
	public static Meter fromSystemProperties() {
		long rows = Long.getLong("bench.rows", 1_000_000);
		return new Meter(rows, Long.getLong("bench.warmup", rows / 5));
	}

	/**
	 * @return rows counted so far
	 */
	public long count() {
		return this.count;
	}

	/**
	 * Count received rows.
	 * @param rows how many
	 */
	public void add(int rows) {
		if (this.done) {
			return;
		}
		long before = this.count;
		this.count = before + rows;
		if (before < this.warmup && this.count >= this.warmup) {
			this.startNanos = System.nanoTime();
			this.startAlloc = THREADS.getTotalThreadAllocatedBytes();
			this.startCpu = OS.getProcessCpuTime();
		}
		if (this.count >= this.expected) {
			this.done = true;
			long nanos = System.nanoTime() - this.startNanos;
			long alloc = THREADS.getTotalThreadAllocatedBytes() - this.startAlloc;
			long cpu = OS.getProcessCpuTime() - this.startCpu;
			System.out.println("RESULT rows=" + (this.count - this.warmup) + " nanos=" + nanos + " alloc=" + alloc
					+ " cpu=" + cpu);
			System.out.flush();
			if (Boolean.getBoolean("bench.exit")) {
				// Profiling: an orderly exit, so that shutdown hooks (JFR's dump) run;
				// from another thread, since the application's shutdown waits for this
				// (the stream's) thread.
				new Thread(() -> System.exit(0)).start();
				return;
			}
			Runtime.getRuntime().halt(0);
		}
	}

}
