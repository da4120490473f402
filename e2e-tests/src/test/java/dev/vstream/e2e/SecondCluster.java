package dev.vstream.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A second local Vitess cluster for tests that need vtgate flags the shared one does not have (TLS,
 * static auth): its own run dir and ports, started and stopped by {@code scripts/vitess}.
 *
 * @param runDir the run directory
 * @param basePort the base port (gRPC is base + 1, MySQL base + 3)
 */
record SecondCluster(String runDir, int basePort) {

	int grpcPort() {
		return this.basePort + 1;
	}

	int mysqlPort() {
		return this.basePort + 3;
	}

	/**
	 * Run {@code start.sh} or {@code stop.sh} for this cluster, bounded, its output in target/.
	 * @param script the script
	 * @param env extra environment (for example VSTREAM_VITESS_EXTRA_ARGS)
	 */
	void run(String script, Map<String, String> env) throws IOException, InterruptedException {
		Path scripts = scripts();
		File log = Path.of("target", Path.of(this.runDir).getFileName() + "-" + script + ".log").toFile();
		ProcessBuilder builder = new ProcessBuilder("bash", scripts.resolve(script).toString()).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log));
		builder.environment().put("VSTREAM_VITESS_RUN", this.runDir);
		builder.environment().put("VSTREAM_VITESS_BASE_PORT", String.valueOf(this.basePort));
		builder.environment().putAll(env);
		Process process = builder.start();
		if (!process.waitFor(240, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException(script + " did not finish within 240 s; see " + log);
		}
		if (process.exitValue() != 0) {
			throw new IllegalStateException(script + " failed with exit code " + process.exitValue() + "; see " + log);
		}
	}

	private static Path scripts() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			Path scripts = dir.resolve("scripts/vitess");
			if (Files.isRegularFile(scripts.resolve("start.sh"))) {
				return scripts;
			}
		}
		throw new IllegalStateException("scripts/vitess not found above " + Path.of("").toAbsolutePath());
	}

}
