package dev.vstream.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the project's own scripts ({@code scripts/vitess/*.sh},
 * {@code scripts/services/*.sh}) from a test, bounded (240 s), with the output appended
 * to a log under {@code target/} that the failure message names.
 */
public final class ProjectScripts {

	private static final long TIMEOUT_SECONDS = 240;

	private ProjectScripts() {
	}

	/**
	 * Run a script and fail unless it exits with 0 in time.
	 * @param script the script, relative to {@code scripts/} (for example
	 * {@code vitess/start.sh})
	 * @param env extra environment variables
	 * @param log the log's file name under {@code target/}
	 * @param args the script's arguments
	 */
	public static void run(String script, Map<String, String> env, String log, String... args)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("bash", locate(script).toString()));
		command.addAll(List.of(args));
		String what = script + (args.length > 0 ? " " + String.join(" ", args) : "");
		File logFile = Path.of("target", log).toFile();
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile));
		builder.environment().putAll(env);
		Process process = builder.start();
		if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException(what + " did not finish within " + TIMEOUT_SECONDS + " s; see " + logFile);
		}
		if (process.exitValue() != 0) {
			throw new IllegalStateException(
					what + " failed with exit code " + process.exitValue() + "; see " + logFile);
		}
	}

	/**
	 * Run a script and return its standard output (trimmed), failing unless it exits with
	 * 0 in time; its standard error is appended to a log under {@code target/}.
	 * @param script the script, relative to {@code scripts/}
	 * @param env extra environment variables
	 * @param log the log's file name under {@code target/}
	 * @param args the script's arguments
	 * @return what the script wrote to its standard output
	 */
	static String output(String script, Map<String, String> env, String log, String... args)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("bash", locate(script).toString()));
		command.addAll(List.of(args));
		String what = script + (args.length > 0 ? " " + String.join(" ", args) : "");
		File logFile = Path.of("target", log).toFile();
		Path out = Files.createTempFile("script-", ".out");
		try {
			ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
				.redirectError(ProcessBuilder.Redirect.appendTo(logFile));
			builder.environment().putAll(env);
			Process process = builder.start();
			if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(
						what + " did not finish within " + TIMEOUT_SECONDS + " s; see " + logFile);
			}
			String output = Files.readString(out).trim();
			if (process.exitValue() != 0) {
				throw new IllegalStateException(what + " failed with exit code " + process.exitValue() + "; see "
						+ logFile + (output.isEmpty() ? "" : "; output: " + output));
			}
			return output;
		}
		finally {
			Files.deleteIfExists(out);
		}
	}

	/**
	 * The script in the {@code scripts/} folder of the project, found above the working
	 * directory.
	 */
	private static Path locate(String script) {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			Path candidate = dir.resolve("scripts").resolve(script);
			if (Files.isRegularFile(candidate)) {
				return candidate;
			}
		}
		throw new IllegalStateException("scripts/" + script + " not found above " + Path.of("").toAbsolutePath());
	}

}
