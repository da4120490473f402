package dev.vstream.reshard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

import dev.vstream.e2e.ProjectScripts;

/**
 * The multi-process Vitess cluster of {@code scripts/vitess-cluster/}, as its
 * {@code cluster.env} describes it. That file is read as a file, never from the
 * environment: {@code scripts/test.sh} exports the vttestserver cluster's settings under
 * the same names ({@code VTGATE_GRPC_PORT}, ...). The run directory comes from
 * {@code VSTREAM_CLUSTER_RUN} (default {@code /tmp/vstream-vitess-cluster}).
 */
final class ReshardCluster {

	private final Path runDir;

	private final Map<String, String> settings;

	private ReshardCluster(Path runDir, Map<String, String> settings) {
		this.runDir = runDir;
		this.settings = settings;
	}

	static ReshardCluster load() throws IOException {
		Path runDir = Path.of(System.getenv().getOrDefault("VSTREAM_CLUSTER_RUN", "/tmp/vstream-vitess-cluster"));
		Path file = runDir.resolve("cluster.env");
		if (!Files.isReadable(file)) {
			throw new IllegalStateException(
					file + " not found: start the multi-process cluster first " + "(scripts/vitess-cluster/start.sh)");
		}
		Map<String, String> values = new HashMap<>();
		for (String line : Files.readAllLines(file)) {
			int eq = line.indexOf('=');
			if (!line.startsWith("#") && eq > 0) {
				values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim().replaceAll("^\"|\"$", ""));
			}
		}
		return new ReshardCluster(runDir, values);
	}

	String get(String name) {
		String value = this.settings.get(name);
		if (value == null || value.isBlank()) {
			throw new IllegalStateException(name + " is not in " + this.runDir.resolve("cluster.env"));
		}
		return value;
	}

	String grpcAddress() {
		return get("VTGATE_HOST") + ":" + get("VTGATE_GRPC_PORT");
	}

	Connection vtgate(String keyspace) throws SQLException {
		return DriverManager.getConnection(
				"jdbc:mariadb://" + get("VTGATE_HOST") + ":" + get("VTGATE_MYSQL_PORT") + "/" + keyspace, "root", "");
	}

	/**
	 * Run {@code scripts/vitess-cluster/ops.sh} on this cluster (its base port is the
	 * vtctld HTTP port).
	 * @param args the command and its arguments
	 */
	void ops(String... args) throws IOException, InterruptedException {
		ProjectScripts.run("vitess-cluster/ops.sh", Map.of("VSTREAM_CLUSTER_RUN", this.runDir.toString(),
				"VSTREAM_CLUSTER_BASE_PORT", get("VTCTLD_HTTP_PORT")), "reshard-ops.log", args);
	}

}
