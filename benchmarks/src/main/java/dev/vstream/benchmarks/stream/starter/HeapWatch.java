package dev.vstream.benchmarks.stream.starter;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples the heap of the back-pressure run once a second: used now, used after the last
 * collection (the live set), and the pools' peak usage since start, which is what a heap
 * limit would meet. Prints a sample every ten seconds and, after the window, one
 * {@code RESULT-BP} line, then ends the JVM.
 */
final class HeapWatch {

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

	private static long mib(long bytes) {
		return bytes / (1024 * 1024);
	}

}
