package dev.vstream.autoconfigure;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.util.ClassUtils;

/**
 * An H2 file database that holds stream positions for applications without a DataSource.
 * Kept out of the context as a DataSource so that it never becomes the application's
 * database.
 * <p>
 * Two H2 defaults would break the delivery guarantees, so the URL gets these settings
 * unless it names them itself:
 * <ul>
 * <li>{@code DB_CLOSE_ON_EXIT=FALSE}: H2 would otherwise close the database in its own
 * JVM shutdown hook, which runs while Spring is still stopping the streams, and their
 * final saves would fail. The database is closed by {@link #destroy()} instead, after
 * every stream stopped (beans are destroyed after all lifecycle beans were stopped).</li>
 * <li>{@code WRITE_DELAY=0}: H2 otherwise writes commits to its file up to 500 ms later,
 * so a killed process would lose the last saves and repeat every transaction since. With
 * 0 each commit is written to the file (handed to the operating system, not forced to the
 * disk) before it returns: a process kill loses nothing saved; a power cut may lose what
 * the OS had not written yet.</li>
 * </ul>
 */
public final class EmbeddedOffsetDatabase implements DisposableBean {

	private static final Log logger = LogFactory.getLog(EmbeddedOffsetDatabase.class);

	private final String url;

	private final SingleConnectionDataSource dataSource;

	private final AtomicBoolean announced = new AtomicBoolean();

	EmbeddedOffsetDatabase(String url) {
		this.url = durable(url);
		// One open connection: an H2 file database is expensive to reopen, and positions
		// of a stream are saved from its single thread.
		this.dataSource = new SingleConnectionDataSource(this.url, "sa", "", true);
	}

	/**
	 * The configured URL with the settings the stream's guarantees need, unless it names
	 * them.
	 * @param url the configured URL
	 * @return the URL to connect to
	 */
	static String durable(String url) {
		// A trailing ';' would leave an empty setting between the URL's and ours.
		String result = url.endsWith(";") ? url.substring(0, url.length() - 1) : url;
		if (!hasSetting(url, "DB_CLOSE_ON_EXIT")) {
			result += ";DB_CLOSE_ON_EXIT=FALSE";
		}
		else if (!hasSetting(url, "DB_CLOSE_ON_EXIT=FALSE")) {
			logger.warn("vstream.jdbc.embedded-url sets DB_CLOSE_ON_EXIT: H2 may close the database before the "
					+ "stream saved its last position on shutdown, and a restart would then repeat or miss changes; "
					+ "remove it");
		}
		if (!hasSetting(url, "WRITE_DELAY")) {
			result += ";WRITE_DELAY=0";
		}
		return result;
	}

	private static boolean hasSetting(String url, String setting) {
		return url.toUpperCase(Locale.ROOT).replace(" ", "").contains(";" + setting);
	}

	DataSource getDataSource() {
		if (!ClassUtils.isPresent("org.h2.Driver", getClass().getClassLoader())) {
			throw new IllegalStateException("vstream.offset-store=jdbc needs a DataSource bean, or H2 on the "
					+ "classpath for an embedded offset database; or set vstream.offset-store to redis or memory");
		}
		if (this.announced.compareAndSet(false, true)) {
			announceLocation();
		}
		return this.dataSource;
	}

	/**
	 * The default file lives under the working directory: say where, so that it is kept.
	 */
	private void announceLocation() {
		String path = new JdbcTemplate(this.dataSource).queryForObject("select database_path()", String.class);
		if (path == null) {
			logger.warn("Stream positions are kept in an in-memory H2 database (vstream.jdbc.embedded-url=" + this.url
					+ "): they are lost when the application stops and the stream starts over from "
					+ "vstream.start-position");
		}
		else {
			logger.info("Stream positions are kept in the embedded H2 database " + path + " (file " + path
					+ ".mv.db); keep it across restarts and deploys, or set vstream.jdbc.embedded-url or a DataSource");
		}
	}

	@Override
	public void destroy() {
		this.dataSource.destroy();
	}

}
