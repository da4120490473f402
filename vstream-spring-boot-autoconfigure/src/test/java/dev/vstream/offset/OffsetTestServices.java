package dev.vstream.offset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Connection settings of the real servers started by
 * {@code scripts/services/all.sh start}.
 *
 * <p>
 * Each setting is read from the environment variable of its name, then from the system
 * property of the same name (or its dotted lower-case form,
 * {@code vstream.test.postgres.url}), then from the {@code services.env} file that
 * {@code all.sh start} writes. A missing setting or an unreachable server fails the test
 * rather than skipping it: a skipped store test would let a broken store ship.
 */
public final class OffsetTestServices {

	static final String HOW_TO_START = "start the test servers with 'scripts/services/all.sh start' "
			+ "(it installs and starts Redis, PostgreSQL and MariaDB on loopback and writes their settings to "
			+ envFile() + ")";

	private OffsetTestServices() {
	}

	public static String require(String name) {
		String value = System.getenv(name);
		if (isBlank(value)) {
			value = System.getProperty(name);
		}
		if (isBlank(value)) {
			value = System.getProperty(name.toLowerCase(Locale.ROOT).replace('_', '.'));
		}
		if (isBlank(value)) {
			value = readEnvFile().get(name);
		}
		if (isBlank(value)) {
			throw new IllegalStateException(
					name + " is set neither in the environment, nor as a system property, nor in " + envFile() + ": "
							+ HOW_TO_START);
		}
		return value;
	}

	/**
	 * A small pool to a real database, failing with instructions when it cannot connect.
	 * @param service the middle part of the setting names: {@code POSTGRES} or
	 * {@code MARIADB}
	 * @param displayName the server's name for messages
	 */
	public static HikariDataSource dataSource(String service, String displayName) {
		String prefix = "VSTREAM_TEST_" + service.toUpperCase(Locale.ROOT) + "_";
		String url = require(prefix + "URL");
		String user = require(prefix + "USER");
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(url);
		config.setUsername(user);
		config.setPassword(require(prefix + "PASSWORD"));
		config.setMaximumPoolSize(8);
		config.setConnectionTimeout(5000);
		config.setPoolName("offset-tests-" + service);
		try {
			return new HikariDataSource(config);
		}
		catch (RuntimeException ex) {
			throw unreachable(displayName + " at " + url + " as user " + user, ex);
		}
	}

	/**
	 * A started connection factory to the real Redis, failing with instructions when it
	 * does not answer a ping.
	 */
	public static LettuceConnectionFactory redis() {
		String host = require("VSTREAM_TEST_REDIS_HOST");
		int port = Integer.parseInt(require("VSTREAM_TEST_REDIS_PORT"));
		LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(host, port),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(5)).build());
		factory.afterPropertiesSet();
		factory.start();
		try {
			new StringRedisTemplate(factory).execute((RedisCallback<String>) (connection) -> connection.ping());
		}
		catch (RuntimeException ex) {
			factory.destroy();
			throw unreachable("Redis at " + host + ":" + port, ex);
		}
		return factory;
	}

	public static IllegalStateException unreachable(String what, Throwable cause) {
		return new IllegalStateException("Cannot connect to " + what + ": " + HOW_TO_START, cause);
	}

	static Path envFile() {
		String dir = System.getenv("VSTREAM_SERVICES_DIR");
		return Path.of(isBlank(dir) ? "/tmp/vstream-services" : dir, "services.env");
	}

	/**
	 * Read the shell-format settings file: {@code NAME=value} lines, optionally with
	 * {@code export} and quotes.
	 */
	private static Map<String, String> readEnvFile() {
		Path file = envFile();
		Map<String, String> settings = new HashMap<>();
		if (!Files.isReadable(file)) {
			return settings;
		}
		try {
			for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
				String trimmed = line.strip();
				if (trimmed.isEmpty() || trimmed.startsWith("#")) {
					continue;
				}
				if (trimmed.startsWith("export ")) {
					trimmed = trimmed.substring("export ".length()).strip();
				}
				int equals = trimmed.indexOf('=');
				if (equals <= 0) {
					continue;
				}
				String value = trimmed.substring(equals + 1).strip();
				if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
						|| value.startsWith("'") && value.endsWith("'"))) {
					value = value.substring(1, value.length() - 1);
				}
				settings.put(trimmed.substring(0, equals).strip(), value);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + file, ex);
		}
		return settings;
	}

	private static boolean isBlank(String value) {
		return value == null || value.isBlank();
	}

	static void close(DataSource dataSource) {
		if (dataSource instanceof HikariDataSource hikari) {
			hikari.close();
		}
	}

}
