package dev.vstream.benchmarks.offset;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VGtid;
import com.sun.management.OperatingSystemMXBean;
import dev.vstream.benchmarks.stream.ThreadCpu;
import dev.vstream.offset.JdbcOffsetRepository;
import dev.vstream.position.StreamPosition;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * CPU per position save on an embedded H2 file, paced as a live stream saves: one
 * {@link JdbcOffsetRepository#compareAndSave} (what the stream's checkpointer calls) at a
 * time, {@code rate} saves a second from one thread, parked in between. Prints, per
 * {@code every} seconds, the process's CPU per save (all threads: H2's, GC and JIT
 * included), the saving thread's, the wall time of a save and the file's size. Not run by
 * any test.
 *
 * <p>
 * Options ({@code --name value}): {@code url} (the H2 URL as the starter opens it,
 * default {@code jdbc:h2:file:<temp>/offsets;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0}),
 * {@code rate} (110), {@code seconds} (60), {@code every} (10), {@code warm} (saves as
 * fast as possible before the paced ones, 0), {@code api} ({@code compareAndSave} or
 * {@code save}).
 */
public final class SaveCost {

	private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private SaveCost() {
	}

	/**
	 * @param args {@code --name value} pairs
	 * @throws Exception on failure
	 */
	public static void main(String[] args) throws Exception {
		Map<String, String> options = new HashMap<>();
		for (int i = 0; i + 1 < args.length; i += 2) {
			options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
		}
		Path dir = Files.createTempDirectory("vstream-save-cost");
		String url = options.getOrDefault("url",
				"jdbc:h2:file:" + dir.resolve("offsets") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
		Path file = Path.of(url.replaceFirst("^jdbc:h2:file:", "").replaceFirst(";.*", "") + ".mv.db");
		int rate = Integer.parseInt(options.getOrDefault("rate", "110"));
		int seconds = Integer.parseInt(options.getOrDefault("seconds", "60"));
		int every = Integer.parseInt(options.getOrDefault("every", "10"));
		boolean cas = options.getOrDefault("api", "compareAndSave").equals("compareAndSave");
		SingleConnectionDataSource dataSource = new SingleConnectionDataSource(url, "sa", "", true);
		JdbcOffsetRepository repository = new JdbcOffsetRepository(new JdbcTemplate(dataSource));
		repository.createTableIfMissing();
		int warm = Integer.parseInt(options.getOrDefault("warm", "0"));
		System.out.println("url " + url + ", " + rate + " saves/s for " + seconds + " s, "
				+ (cas ? "compareAndSave" : "save") + ", after " + warm + " unpaced saves");
		StreamPosition saved = null;
		for (int i = 0; i < warm; i++) {
			StreamPosition position = position(-warm + i);
			if (cas) {
				repository.compareAndSave("bench", saved, position);
			}
			else {
				repository.save("bench", position);
			}
			saved = position;
		}
		long interval = 1_000_000_000L / rate;
		long start = System.nanoTime();
		long next = start;
		long reportAt = start + every * 1_000_000_000L;
		long end = start + seconds * 1_000_000_000L;
		long processCpu = OS.getProcessCpuTime();
		long threadCpu = THREADS.getCurrentThreadCpuTime();
		long wall = 0;
		int saves = 0;
		ThreadCpu threads = ThreadCpu.now();
		for (long n = 1;; n++) {
			StreamPosition position = position(n);
			long before = System.nanoTime();
			if (cas) {
				repository.compareAndSave("bench", saved, position);
			}
			else {
				repository.save("bench", position);
			}
			long after = System.nanoTime();
			wall += after - before;
			saved = position;
			saves++;
			if (after >= reportAt) {
				long nowProcess = OS.getProcessCpuTime();
				long nowThread = THREADS.getCurrentThreadCpuTime();
				System.out.println(String.format(Locale.ROOT,
						"t=%3ds saves=%6d  process CPU %7.1f us/save  saving thread %7.1f us/save  wall %7.1f us/save"
								+ "  file %,d KB",
						(after - start) / 1_000_000_000L, saves, (nowProcess - processCpu) / 1e3 / saves,
						(nowThread - threadCpu) / 1e3 / saves, wall / 1e3 / saves, Files.size(file) / 1024));
				ThreadCpu nowThreads = ThreadCpu.now();
				nowThreads.since(threads, saves, "save").forEach((line) -> System.out.println("    " + line));
				threads = nowThreads;
				processCpu = nowProcess;
				threadCpu = nowThread;
				wall = 0;
				saves = 0;
				reportAt += every * 1_000_000_000L;
			}
			if (after >= end) {
				break;
			}
			next += interval;
			long wait = next - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
			}
		}
		dataSource.destroy();
	}

	private static StreamPosition position(long n) {
		return StreamPosition.of(VGtid.newBuilder()
			.addShardGtids(ShardGtid.newBuilder()
				.setKeyspace("commerce")
				.setShard("0")
				.setGtid("MySQL56/3e11fa47-71ca-11e1-9e33-c80aa9429562:1-" + (100_000 + n)))
			.build());
	}

}
