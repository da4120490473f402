package dev.vstream.benchmarks.stream;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;
import org.jspecify.annotations.Nullable;

/**
 * Counts the rows a consumer received and measures its steady state: the window from the
 * row that ends the warm-up to the last expected row, in wall time, bytes allocated by
 * all of the JVM's threads and process CPU time. When the last row arrives it prints one
 * {@code RESULT} line for the harness and ends the JVM at once (a consumer's shutdown is
 * not part of the measurement, and some engines take long to stop).
 *
 * <p>
 * {@link #add} is called from the one thread that delivers rows, so it needs no
 * synchronization; consumers with several such threads (one stream per shard) call
 * {@link #addShared} instead.
 *
 * <p>
 * With a {@link Window} (the starter's footprint: threads and heap) it is told when the
 * measurement starts and adds what it reports to the {@code RESULT} line.
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

	private final AtomicLong shared = new AtomicLong();

	/**
	 * Set by the thread that ended the warm-up, for the one that ends the measurement.
	 */
	private volatile boolean started;

	private @Nullable Window window;

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
	 * Also measure something over the same window.
	 * @param window told when the window starts and asked for its figures at the end
	 * @return this meter
	 */
	public Meter with(Window window) {
		this.window = window;
		return this;
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
			start();
		}
		if (this.count >= this.expected) {
			this.done = true;
			finish(this.count);
		}
	}

	/**
	 * Count received rows, from any of several threads.
	 * @param rows how many
	 */
	public void addShared(int rows) {
		long after = this.shared.addAndGet(rows);
		long before = after - rows;
		if (before < this.warmup && after >= this.warmup) {
			start();
			this.started = true;
		}
		if (before < this.expected && after >= this.expected) {
			while (!this.started) {
				Thread.onSpinWait();
			}
			finish(after);
		}
	}

	private void start() {
		if (this.window != null) {
			this.window.start();
		}
		this.startNanos = System.nanoTime();
		this.startAlloc = THREADS.getTotalThreadAllocatedBytes();
		this.startCpu = OS.getProcessCpuTime();
	}

	private void finish(long count) {
		long nanos = System.nanoTime() - this.startNanos;
		long alloc = THREADS.getTotalThreadAllocatedBytes() - this.startAlloc;
		long cpu = OS.getProcessCpuTime() - this.startCpu;
		String extra = (this.window != null) ? " " + this.window.end() : "";
		System.out.println(
				"RESULT rows=" + (count - this.warmup) + " nanos=" + nanos + " alloc=" + alloc + " cpu=" + cpu + extra);
		System.out.flush();
		if (Boolean.getBoolean("bench.exit")) {
			// Profiling: an orderly exit, so that shutdown hooks (JFR's dump) run; from
			// another thread, since the application's shutdown waits for this (the
			// stream's) thread.
			new Thread(() -> System.exit(0)).start();
			return;
		}
		Runtime.getRuntime().halt(0);
	}

	/**
	 * Something measured over the meter's window besides rows, time, allocation and CPU.
	 */
	public interface Window {

		/** The warm-up is over: the measured window starts. */
		void start();

		/**
		 * The last row arrived (called after time, allocation and CPU were taken).
		 * @return {@code key=value} pairs for the {@code RESULT} line, space-separated
		 */
		String end();

	}

}
