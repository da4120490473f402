package dev.vstream.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.offset.JdbcOffsetRepository;
import dev.vstream.offset.JdbcStreamRunMarker;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.offset.RedisOffsetRepository;
import dev.vstream.offset.StreamRunMarker;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One configuration per {@code vstream.offset-store} value. A user-defined
 * {@link OffsetRepository} bean replaces all of them.
 */
final class OffsetStoreConfigurations {

	private OffsetStoreConfigurations() {
	}

	private static final Log logger = LogFactory.getLog(OffsetStoreConfigurations.class);

	static boolean isInMemory(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			String url = connection.getMetaData().getURL();
			return url != null && (url.startsWith("jdbc:h2:mem:") || url.startsWith("jdbc:hsqldb:mem:")
					|| url.startsWith("jdbc:derby:memory:"));
		}
		catch (SQLException ex) {
			return false;
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JdbcTemplate.class)
	@ConditionalOnProperty(name = "vstream.offset-store", havingValue = "jdbc", matchIfMissing = true)
	static class Jdbc {

		@Bean
		@ConditionalOnMissingBean(OffsetRepository.class)
		JdbcOffsetRepository vstreamOffsetRepository(ObjectProvider<DataSource> dataSource,
				ObjectProvider<EmbeddedOffsetDatabase> embedded, VStreamProperties properties) {
			DataSource target = dataSource.getIfUnique();
			if (target == null) {
				target = embedded.getObject().getDataSource();
			}
			else if (isInMemory(target)) {
				logger.warn("vstream.offset-store=jdbc saves stream positions in an in-memory database: they are "
						+ "lost when the application stops and the stream starts over from vstream.start-position");
			}
			JdbcOffsetRepository repository = new JdbcOffsetRepository(new JdbcTemplate(target),
					properties.getJdbc().getTableName());
			if (properties.getJdbc().isInitializeSchema()) {
				repository.createTableIfMissing();
			}
			return repository;
		}

		@Bean
		@ConditionalOnMissingBean(DataSource.class)
		EmbeddedOffsetDatabase vstreamEmbeddedOffsetDatabase(VStreamProperties properties) {
			// Connects on first use only: harmless when a user-defined OffsetRepository
			// wins.
			return new EmbeddedOffsetDatabase(properties.getJdbc().getEmbeddedUrl());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(StringRedisTemplate.class)
	@ConditionalOnProperty(name = "vstream.offset-store", havingValue = "redis")
	static class Redis {

		@Bean
		@ConditionalOnMissingBean(OffsetRepository.class)
		RedisOffsetRepository vstreamOffsetRepository(ObjectProvider<RedisConnectionFactory> connectionFactory,
				VStreamProperties properties) {
			RedisConnectionFactory factory = connectionFactory.getIfUnique();
			if (factory == null) {
				throw new IllegalStateException("vstream.offset-store=redis needs a RedisConnectionFactory bean "
						+ "(add spring-boot-starter-data-redis and configure spring.data.redis.*)");
			}
			return new RedisOffsetRepository(new StringRedisTemplate(factory), properties.getRedis().getKeyPrefix());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "vstream.offset-store", havingValue = "memory")
	static class Memory {

		@Bean
		@ConditionalOnMissingBean(OffsetRepository.class)
		InMemoryOffsetRepository vstreamOffsetRepository() {
			return new InMemoryOffsetRepository();
		}

	}

	/**
	 * The run marker, in a table next to the offset table ({@code <table-name>_run}) of
	 * the application's DataSource, or of the embedded offset database when there is
	 * none. Not with the memory store, which loses every position by design.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JdbcTemplate.class)
	@ConditionalOnExpression("!'${vstream.offset-store:jdbc}'.equalsIgnoreCase('memory')")
	static class RunMarker {

		@Bean
		@ConditionalOnMissingBean(StreamRunMarker.class)
		@Nullable JdbcStreamRunMarker vstreamRunMarker(ObjectProvider<DataSource> dataSource,
				ObjectProvider<EmbeddedOffsetDatabase> embedded, VStreamProperties properties) {
			DataSource target = dataSource.getIfUnique();
			if (target == null) {
				EmbeddedOffsetDatabase database = embedded.getIfAvailable();
				if (database == null) {
					return null;
				}
				target = database.getDataSource();
			}
			JdbcStreamRunMarker marker = new JdbcStreamRunMarker(new JdbcTemplate(target),
					properties.getJdbc().getTableName() + JdbcStreamRunMarker.TABLE_SUFFIX);
			if (properties.getJdbc().isInitializeSchema()) {
				marker.createTableIfMissing();
			}
			return marker;
		}

	}

	/**
	 * Turns "no store available for the chosen kind" into a message naming the property.
	 */
	@Configuration(proxyBeanMethods = false)
	static class Missing {

		@Bean
		@ConditionalOnMissingBean(OffsetRepository.class)
		OffsetRepository vstreamMissingOffsetRepository(VStreamProperties properties) {
			String store = properties.getOffsetStore().name().toLowerCase();
			String needs = switch (properties.getOffsetStore()) {
				case REDIS -> "spring-data-redis on the classpath (spring-boot-starter-data-redis)";
				case JDBC -> "spring-jdbc on the classpath and a DataSource or H2";
				case MEMORY -> "nothing";
			};
			throw new IllegalStateException(
					"vstream.offset-store=" + store + " needs " + needs + "; or define an OffsetRepository bean");
		}

	}

}
