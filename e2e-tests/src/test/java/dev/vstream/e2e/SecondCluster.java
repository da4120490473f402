package dev.vstream.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A second local Vitess cluster for tests that need vtgate flags the shared one does not
 * have (TLS, static auth): its own run dir and ports, started and stopped by
 * {@code scripts/vitess}.
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
	 * Run {@code start.sh} or {@code stop.sh} for this cluster, bounded, its output in
	 * target/.
	 * @param script the script
	 * @param env extra environment (for example VSTREAM_VITESS_EXTRA_ARGS)
	 */
	void run(String script, Map<String, String> env) throws IOException, InterruptedException {
		Map<String, String> all = new HashMap<>(env);
		all.put("VSTREAM_VITESS_RUN", this.runDir);
		all.put("VSTREAM_VITESS_BASE_PORT", String.valueOf(this.basePort));
		ProjectScripts.run("vitess/" + script, all, Path.of(this.runDir).getFileName() + "-" + script + ".log");
	}

}
