package dev.vstream.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the real servers started by {@code scripts/vitess/start.sh} and
 * {@code scripts/services/all.sh start} listen: from the environment (as
 * {@code scripts/test.sh} exports it) or from the state files those scripts write.
 */
public final class LocalVitess {

	private static final Map<String, String> settings = load();

	private LocalVitess() {
	}

	private static Map<String, String> load() {
		Map<String, String> values = new HashMap<>();
		for (Path file : List
			.of(Path.of(System.getenv().getOrDefault("VSTREAM_VITESS_RUN", "/tmp/vstream-vitess"), "vitess.env"), Path
				.of(System.getenv().getOrDefault("VSTREAM_SERVICES_DIR", "/tmp/vstream-services"), "services.env"))) {
			if (Files.isReadable(file)) {
				try {
					for (String line : Files.readAllLines(file)) {
						int eq = line.indexOf('=');
						if (!line.startsWith("#") && eq > 0) {
							values.put(line.substring(0, eq).trim(),
									line.substring(eq + 1).trim().replaceAll("^\"|\"$", ""));
						}
					}
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			}
		}
		values.putAll(System.getenv());
		return values;
	}

	public static String get(String name) {
		String value = settings.get(name);
		if (value == null || value.isBlank()) {
			throw new IllegalStateException(name + " is not set: start the local servers first "
					+ "(scripts/test.sh does: scripts/vitess/start.sh and scripts/services/all.sh start)");
		}
		return value;
	}

	public static String grpcAddress() {
		return get("VTGATE_HOST") + ":" + get("VTGATE_GRPC_PORT");
	}

	/** A JDBC connection to vtgate's MySQL port, in a keyspace. */
	public static Connection vtgate(String keyspace) throws SQLException {
		return DriverManager.getConnection(
				"jdbc:mariadb://" + get("VTGATE_HOST") + ":" + get("VTGATE_MYSQL_PORT") + "/" + keyspace, "root", "");
	}

	public static void execute(String keyspace, String... statements) {
		try (Connection connection = vtgate(keyspace); var statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Failed on vtgate: " + String.join("; ", statements), ex);
		}
	}

}
