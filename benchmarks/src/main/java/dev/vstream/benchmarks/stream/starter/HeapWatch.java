package dev.vstream.benchmarks.stream.starter;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.vstream.benchmarks.stream.Meter;

/**
 * Samples the heap of the back-pressure run once a second: used now, used after the last
 * collection (the live set), and the pools' peak usage since start, which is what a heap
 * limit would meet. Prints a sample every ten seconds and, after the window, one
 * {@code RESULT-BP} line, then ends the JVM.
 *
 * <p>
 * For the throughput trials that report a footprint (the shard trials), a
 * {@link #window() window} of the {@link Meter}: threads and heap over the measured rows.
 */
final class HeapWatch {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private static final AtomicLong rows = new AtomicLong();

	private HeapWatch() {
	}

	static void rowHandled() {
		rows.incrementAndGet();
	}

	static void start(long seconds) {
		Thread thread = new Thread(() -> watch(seconds), "heap-watch");
		thread.setDaemon(true);
		thread.start();
	}

	private static void watch(long seconds) {
		List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans()
			.stream()
			.filter((pool) -> pool.getType() == MemoryType.HEAP)
			.toList();
		long maxUsed = 0;
		long maxAfterGc = 0;
		long start = System.nanoTime();
		for (int s = 1; s <= seconds; s++) {
			try {
				Thread.sleep(Math.max(0, start + s * 1_000_000_000L - System.nanoTime()) / 1_000_000);
			}
			catch (InterruptedException ex) {
				return;
			}
			long used = 0;
			long afterGc = 0;
			for (MemoryPoolMXBean pool : pools) {
				used += pool.getUsage().getUsed();
				MemoryUsage collected = pool.getCollectionUsage();
				if (collected != null) {
					afterGc += collected.getUsed();
				}
			}
			maxUsed = Math.max(maxUsed, used);
			maxAfterGc = Math.max(maxAfterGc, afterGc);
			if (s % 10 == 0) {
				System.out.println("heap t=" + s + "s rows=" + rows.get() + " used=" + mib(used) + "MiB afterGC="
						+ mib(afterGc) + "MiB");
			}
		}
		long peak = 0;
		for (MemoryPoolMXBean pool : pools) {
			peak += pool.getPeakUsage().getUsed();
		}
		System.out.println("RESULT-BP rows=" + rows.get() + " seconds=" + seconds + " peak=" + peak + " maxUsed="
				+ maxUsed + " maxAfterGc=" + maxAfterGc + " committed="
				+ ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted());
		System.out.flush();
		Runtime.getRuntime().halt(0);
	}

	/**
	 * The footprint over a meter's window: live threads (at the end and their peak in the
	 * window), the heap pools' peak usage in the window (what a heap limit would meet;
	 * mostly the young generation's size, which the collector chooses) and the heap still
	 * used after a full collection at the end (the live set: what the streams hold).
	 * @return the window
	 */
	static Meter.Window window() {
		return new Meter.Window() {

			@Override
			public void start() {
				THREADS.resetPeakThreadCount();
				heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
			}

			@Override
			public String end() {
				int threads = THREADS.getThreadCount();
				int peakThreads = THREADS.getPeakThreadCount();
				long peak = heapPools().stream().mapToLong((pool) -> pool.getPeakUsage().getUsed()).sum();
				System.gc();
				long live = heapPools().stream().mapToLong((pool) -> pool.getUsage().getUsed()).sum();
				return "threads=" + threads + " peakThreads=" + peakThreads + " heapPeak=" + peak + " heapLive=" + live;
			}

		};
	}

	private static List<MemoryPoolMXBean> heapPools() {
		return ManagementFactory.getMemoryPoolMXBeans()
			.stream()
			.filter((pool) -> pool.getType() == MemoryType.HEAP)
			.toList();
	}

	private static long mib(long bytes) {
		return bytes / (1024 * 1024);
	}

}
