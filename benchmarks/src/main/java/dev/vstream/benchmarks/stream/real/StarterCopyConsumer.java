package dev.vstream.benchmarks.stream.real;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.text.ParseException;

import com.sun.management.OperatingSystemMXBean;
import dev.vstream.annotation.VStreamListener;
import dev.vstream.benchmarks.stream.ThreadCpu;
import dev.vstream.listener.RowChange;
import dev.vstream.stream.VStreamContainer;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;

/**
 * The starter side of the real-client benchmark ({@link RealClientBench}): a Spring Boot
 * application as a new user writes it, one {@code @VStreamListener} taking
 * {@code RowChange<BenchCopy>} and reading every field, started at
 * {@code vstream.start-position=copy} (the offset store comes from the harness's
 * arguments). It counts the copied rows (no commit time), prints {@code COPIED} after
 * {@code bench.copy-rows} of them, then counts live rows until {@code bench.live-rows}
 * and prints the same {@code RESULT} line as the Go client
 * (benchmarks/go-client/main.go). Copy time and CPU run from the moment the stream
 * containers start (a lifecycle bean of the phase just before theirs) to the last copied
 * row; CPU is the process's ({@link OperatingSystemMXBean#getProcessCpuTime()}: all
 * threads, JIT and GC included).
 *
 * <p>
 * Profiling the live phase: {@code -Dbench.jfr=file} records it with JFR's "profile"
 * settings; {@code -Dbench.threads=true} prints each thread's CPU time over it
 * ({@code THREAD-CPU} lines, {@link ThreadCpu}: the JVM's compiler and GC threads too);
 * {@code -Dbench.live-warmup=N} leaves the first N live rows out of the figures (a long
 * live phase's steady state); {@code -Dbench.exit=true} ends the process with
 * {@code System.exit} instead of {@code halt}, so that shutdown hooks (a JFR recording
 * started by {@code -XX:StartFlightRecording}) run.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class StarterCopyConsumer {

	private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	/**
	 * @param args Spring Boot arguments
	 */
	public static void main(String[] args) {
		SpringApplication.run(StarterCopyConsumer.class, args);
	}

	@Bean
	CopyListener copyListener() {
		return new CopyListener(Long.getLong("bench.copy-rows", 1_000_000), Long.getLong("bench.live-rows", 200_000));
	}

	@Bean
	StartMark startMark(CopyListener listener) {
		return new StartMark(listener);
	}

	/** Notes the time and CPU just before the stream containers start. */
	static final class StartMark implements SmartLifecycle {

		private final CopyListener listener;

		private volatile boolean running;

		StartMark(CopyListener listener) {
			this.listener = listener;
		}

		@Override
		public void start() {
			this.listener.startNanos = System.nanoTime();
			this.listener.startCpu = OS.getProcessCpuTime();
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return VStreamContainer.DEFAULT_PHASE - 1;
		}

	}

	/** Reads every field of every row and counts copied and live rows. */
	static final class CopyListener {

		private final long copyTarget;

		private final long liveTarget;

		volatile long startNanos;

		volatile long startCpu;

		private long copyRows;

		private long liveRows;

		private long firstRowNanos;

		private long copyEndNanos;

		private long copyEndCpu;

		private long liveStartNanos;

		private long liveStartCpu;

		private long sink;

		// Live rows not measured: -Dbench.live-warmup=N shows the steady state of a long
		// live phase (the first minute or so is mostly the JIT compiling the live path).
		private final long liveWarmup = Long.getLong("bench.live-warmup", 0);

		private Recording recording;

		private ThreadCpu threadCpu;

		CopyListener(long copyTarget, long liveTarget) {
			this.copyTarget = copyTarget;
			this.liveTarget = liveTarget;
		}

		@VStreamListener(table = "bench_copy")
		void on(RowChange<BenchCopy> change) {
			BenchCopy row = change.after();
			if (row == null) {
				return;
			}
			this.sink += row.id() + row.customerId() + row.quantity() + row.sku().length() + row.status().length()
					+ row.email().length() + row.price().scale() + (long) row.weight() + row.createdAt().getSecond()
					+ row.note().length();
			if (change.commitTime() == null) {
				copied();
			}
			else {
				live();
			}
		}

		private void copied() {
			if (this.copyRows++ == 0) {
				this.firstRowNanos = System.nanoTime() - this.startNanos;
			}
			if (this.copyRows == this.copyTarget) {
				this.copyEndNanos = System.nanoTime();
				this.copyEndCpu = OS.getProcessCpuTime();
				System.out.println("COPIED rows=" + this.copyRows);
				System.out.flush();
			}
		}

		private void live() {
			if (this.liveRows++ == this.liveWarmup) {
				startProfiling();
				this.liveStartNanos = System.nanoTime();
				this.liveStartCpu = OS.getProcessCpuTime();
			}
			if (this.liveRows == this.liveTarget) {
				long liveNanos = System.nanoTime() - this.liveStartNanos;
				long liveCpu = OS.getProcessCpuTime() - this.liveStartCpu;
				endProfiling();
				System.out.println("RESULT copyRows=" + this.copyRows + " copyNanos="
						+ (this.copyEndNanos - this.startNanos) + " copyCpuNanos=" + (this.copyEndCpu - this.startCpu)
						+ " firstRowNanos=" + this.firstRowNanos + " liveRows=" + (this.liveRows - this.liveWarmup)
						+ " liveNanos=" + liveNanos + " liveCpuNanos=" + liveCpu + " sink=" + (this.sink & 1));
				System.out.flush();
				if (Boolean.getBoolean("bench.exit")) {
					// From another thread: the application's shutdown waits for this
					// (the stream's) thread.
					new Thread(() -> System.exit(0)).start();
					return;
				}
				Runtime.getRuntime().halt(0);
			}
		}

		private void startProfiling() {
			String jfr = System.getProperty("bench.jfr");
			if (jfr != null) {
				try {
					this.recording = new Recording(Configuration.getConfiguration("profile"));
					this.recording.setDestination(Path.of(jfr));
					this.recording.start();
				}
				catch (IOException | ParseException ex) {
					throw new IllegalStateException(ex);
				}
			}
			if (Boolean.getBoolean("bench.threads")) {
				this.threadCpu = ThreadCpu.now();
			}
		}

		private void endProfiling() {
			if (this.threadCpu != null) {
				ThreadCpu.now()
					.since(this.threadCpu, this.liveTarget - this.liveWarmup, "row")
					.forEach((line) -> System.out.println("THREAD-CPU " + line));
			}
			if (this.recording != null) {
				try {
					// stop() writes the destination
					this.recording.stop();
					this.recording.close();
				}
				catch (RuntimeException ex) {
					System.out.println("JFR: " + ex);
				}
			}
		}

	}

}
