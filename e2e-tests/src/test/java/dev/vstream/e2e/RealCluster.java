package dev.vstream.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * The multi-process Vitess cluster of {@code scripts/vitess-cluster/} (etcd, vtctld, a
 * primary and a replica vttablet per shard over their own MariaDB, vtgate): where it
 * listens, read from its {@code cluster.env} file, and its fault and topology operations
 * ({@code ops.sh}).
 *
 * <p>
 * {@code cluster.env} uses the same variable names ({@code VTGATE_GRPC_PORT}, ...) as the
 * one-process cluster's {@code vitess.env} that {@code scripts/test.sh} exports, so it is
 * read as a file (in {@code VSTREAM_CLUSTER_RUN}, default
 * {@code /tmp/vstream-vitess-cluster}), never from the environment; it is read again on
 * every call because operations rewrite it (primaries move).
 */
public final class RealCluster {

	/**
	 * The JUnit resource lock of the test classes on this cluster: they run one at a
	 * time, beside the classes on the one-process cluster. The classes on a second
	 * cluster of their own ({@link SecondCluster}) take it too: one class at most runs
	 * beside the main thread.
	 */
	public static final String LOCK = "vitess-cluster";

	private static final Duration SERVING_WAIT = Duration.ofSeconds(30);

	private static final String START_HINT = "start it with scripts/vitess-cluster/start.sh "
			+ "(scripts/test.sh does; scripts/vitess-cluster/status.sh shows what is running)";

	private RealCluster() {
	}

	/** The cluster's run directory. */
	public static Path runDir() {
		return Path.of(System.getenv().getOrDefault("VSTREAM_CLUSTER_RUN", "/tmp/vstream-vitess-cluster"));
	}

	/** Every setting of {@code cluster.env}, as it is now. */
	public static Map<String, String> settings() {
		Path file = runDir().resolve("cluster.env");
		if (!Files.isReadable(file)) {
			throw new IllegalStateException(
					"The multi-process Vitess cluster is not running (" + file + " does not exist): " + START_HINT);
		}
		Map<String, String> values = new HashMap<>();
		try {
			for (String line : Files.readAllLines(file)) {
				int eq = line.indexOf('=');
				if (!line.startsWith("#") && eq > 0) {
					values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim().replaceAll("^\"|\"$", ""));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return values;
	}

	/** One setting of {@code cluster.env}. */
	public static String get(String name) {
		String value = settings().get(name);
		if (value == null || value.isBlank()) {
			throw new IllegalStateException(
					name + " is not set in " + runDir().resolve("cluster.env") + ": " + START_HINT);
		}
		return value;
	}

	/**
	 * Fail unless the cluster serves within 30 s: vtgate answers and every shard has a
	 * serving primary ({@code status.sh} exits with 0). The wait covers vtgate's next
	 * topology refresh after another test class's operations.
	 */
	public static void requireServing() {
		requireServing(SERVING_WAIT);
	}

	/**
	 * Fail unless the cluster serves within {@code timeout}.
	 * @param timeout how long to wait for it
	 */
	public static void requireServing(Duration timeout) {
		settings();
		AtomicReference<IllegalStateException> failure = new AtomicReference<>();
		try {
			await().atMost(timeout).pollInterval(Duration.ofSeconds(1)).until(() -> {
				try {
					ProjectScripts.run("vitess-cluster/status.sh", env(), "vitess-cluster-status.log");
					return true;
				}
				catch (IllegalStateException ex) {
					failure.set(ex);
					return false;
				}
			});
		}
		catch (ConditionTimeoutException ex) {
			// No failure yet when the first status.sh outlasted the timeout.
			Exception cause = (failure.get() != null) ? failure.get() : ex;
			throw new IllegalStateException("The multi-process Vitess cluster does not serve (" + cause.getMessage()
					+ ") after " + timeout.toSeconds() + " s: " + START_HINT, cause);
		}
	}

	/** vtgate's gRPC address, {@code host:port}. */
	public static String grpcAddress() {
		return get("VTGATE_HOST") + ":" + get("VTGATE_GRPC_PORT");
	}

	/**
	 * The JDBC URL of vtgate's MySQL port.
	 * @param keyspace the keyspace connected to
	 * @param options driver options ({@code socketTimeout=...}), or empty
	 * @return the URL
	 */
	public static String jdbcUrl(String keyspace, String options) {
		return "jdbc:mariadb://" + get("VTGATE_HOST") + ":" + get("VTGATE_MYSQL_PORT") + "/" + keyspace
				+ (options.isEmpty() ? "" : "?" + options);
	}

	/** A JDBC connection to vtgate's MySQL port, in a keyspace. */
	public static Connection vtgate(String keyspace) throws SQLException {
		return DriverManager.getConnection(jdbcUrl(keyspace, "connectTimeout=5000&socketTimeout=60000"), "root", "");
	}

	/**
	 * Run {@code scripts/vitess-cluster/ops.sh} (bounded; its log appended to
	 * {@code target/vitess-cluster-ops.log}).
	 * @param args the operation and its arguments, for example
	 * {@code "reparent", "customer", "-80"}
	 * @return what it printed on standard output (an alias, a workflow state), trimmed
	 */
	public static String ops(String... args) throws IOException, InterruptedException {
		settings();
		return ProjectScripts.output("vitess-cluster/ops.sh", env(), "vitess-cluster-ops.log", args);
	}

	/** The alias of a shard's primary, as vtctld has it now. */
	public static String primary(String keyspace, String shard) throws IOException, InterruptedException {
		return ops("primary", keyspace, shard);
	}

	/** The alias of a shard's (first) replica. */
	public static String replica(String keyspace, String shard) throws IOException, InterruptedException {
		return ops("replica", keyspace, shard);
	}

	private static Map<String, String> env() {
		// The cluster's base port is its vtctld HTTP port: ops.sh finds a cluster started
		// on other ports too.
		return Map.of("VSTREAM_CLUSTER_RUN", runDir().toString(), "VSTREAM_CLUSTER_BASE_PORT", get("VTCTLD_HTTP_PORT"));
	}

}
