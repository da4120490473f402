package dev.vstream.autoconfigure;

import javax.sql.DataSource;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.util.ClassUtils;

/**
 * An H2 file database that holds stream positions for applications without a DataSource. Kept
 * out of the context as a DataSource so that it never becomes the application's database.
 */
public final class EmbeddedOffsetDatabase implements DisposableBean {

	private final SingleConnectionDataSource dataSource;

	EmbeddedOffsetDatabase(String url) {
		// One open connection: an H2 file database is expensive to reopen, and positions of a stream
		// are saved from its single thread.
		this.dataSource = new SingleConnectionDataSource(url, "sa", "", true);
	}

	DataSource getDataSource() {
		if (!ClassUtils.isPresent("org.h2.Driver", getClass().getClassLoader())) {
			throw new IllegalStateException("vstream.offset-store=jdbc needs a DataSource bean, or H2 on the "
					+ "classpath for an embedded offset database; or set vstream.offset-store to redis or memory");
		}
		return this.dataSource;
	}

	@Override
	public void destroy() {
		this.dataSource.destroy();
	}

}
