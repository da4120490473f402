package dev.vstream.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application of the test class path running in a child JVM, its output appended to a
 * log file: what the fault tests kill with SIGKILL ({@link #kill()}) or stop with SIGTERM
 * ({@link #terminate()}). Started through a {@link Launcher}, which stops (SIGKILL)
 * whatever it started when it is closed.
 *
 * @param process the child process
 * @param log the file its standard output and error are appended to
 */
record ChildJvm(Process process, Path log) {

	/** How long a child may take to stop on SIGTERM. */
	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

	/**
	 * A launcher for one main class, started with the test class path and the classes the
	 * first such child loaded ({@link SharedClassArchive}).
	 * @param mainClass the application's main class (on the test class path)
	 * @return the launcher
	 */
	static Launcher launcher(String mainClass) {
		return new Launcher(mainClass, null);
	}

	/**
	 * A launcher for an executable jar (a Spring Boot application as it is shipped).
	 * @param jar the jar
	 * @return the launcher
	 */
	static Launcher jarLauncher(Path jar) {
		return new Launcher(null, jar);
	}

	/**
	 * @return everything the child has written so far
	 */
	String logText() {
		try {
			return Files.isRegularFile(this.log) ? Files.readString(this.log) : "";
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Wait until the log contains a text, failing at once if the child exits first.
	 * @param text the text to wait for
	 * @param timeout how long to wait
	 * @return this child
	 */
	ChildJvm awaitLog(String text, Duration timeout) {
		await().atMost(timeout)
			.failFast("the application exited (see " + this.log + ")", () -> !this.process.isAlive())
			.until(() -> logText().contains(text));
		return this;
	}

	/** SIGTERM, and assert that the child stops within a minute (a graceful shutdown). */
	void terminate() throws InterruptedException {
		this.process.destroy();
		assertThat(this.process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
			.as("the application stops on SIGTERM")
			.isTrue();
	}

	/** SIGKILL, and wait until the child is gone. */
	void kill() throws InterruptedException {
		this.process.destroyForcibly().waitFor();
	}

	/**
	 * Starts children of one main class with this JVM's {@code java} and class path, and
	 * kills them (SIGKILL) on {@link #close()}, so that no child outlives its test.
	 */
	static final class Launcher implements AutoCloseable {

		private final String mainClass;

		private final Path jar;

		private final List<String> jvmOptions = new ArrayList<>(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"));

		private Path workDir;

		private final List<Process> started = new ArrayList<>();

		private Launcher(String mainClass, Path jar) {
			this.mainClass = mainClass;
			this.jar = jar;
		}

		/**
		 * Replace the JVM options (by default a 256 MB heap and C1 only, which starts
		 * faster).
		 * @param options the options
		 * @return this launcher
		 */
		Launcher jvmOptions(String... options) {
			this.jvmOptions.clear();
			this.jvmOptions.addAll(List.of(options));
			return this;
		}

		/**
		 * Run the children in a directory (by default the test's working directory).
		 * @param workDir the directory
		 * @return this launcher
		 */
		Launcher workDir(Path workDir) {
			this.workDir = workDir;
			return this;
		}

		/**
		 * Start a child.
		 * @param log the file its output is appended to
		 * @param args the application's arguments
		 * @return the running child
		 */
		ChildJvm start(Path log, List<String> args) throws IOException {
			Process process;
			if (this.jar != null) {
				List<String> command = new ArrayList<>();
				command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
				command.addAll(this.jvmOptions);
				command.addAll(List.of("-jar", this.jar.toString()));
				command.addAll(args);
				process = start(command, log);
			}
			else {
				process = SharedClassArchive.start(this.jvmOptions, this.mainClass, args,
						(command) -> start(command, log));
			}
			this.started.add(process);
			return new ChildJvm(process, log);
		}

		private Process start(List<String> command, Path log) throws IOException {
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
			if (this.workDir != null) {
				builder.directory(this.workDir.toFile());
			}
			return builder.start();
		}

		@Override
		public void close() {
			this.started.forEach(Process::destroyForcibly);
		}

	}

}
