package dev.vstream.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.offset.JdbcOffsetRepository;
import dev.vstream.offset.JdbcStreamRunMarker;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.offset.RedisOffsetRepository;
import dev.vstream.offset.SchemaScript;
import dev.vstream.offset.StreamRunMarker;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.ClassUtils;

/**
 * One configuration per {@code vstream.offset-store} value. A user-defined
 * {@link OffsetRepository} bean replaces all of them.
 */
final class OffsetStoreConfigurations {

	private OffsetStoreConfigurations() {
	}

	private static final Log logger = LogFactory.getLog(OffsetStoreConfigurations.class);

	/**
	 * Spring Boot's script initializer, in spring-boot-jdbc: the starter's own H2 default
	 * does not need it.
	 */
	static final String SCRIPT_INITIALIZER = "org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer";

	static final boolean SCRIPT_INITIALIZER_PRESENT = ClassUtils.isPresent(SCRIPT_INITIALIZER,
			OffsetStoreConfigurations.class.getClassLoader());

	/**
	 * Whether to create a table in a database that Spring Boot's script initializers
	 * cannot serve (no spring-boot-jdbc on the class path).
	 * @param mode the configured mode
	 * @param own whether the database is the starter's embedded one
	 * @param dataSource the database
	 * @return whether to run the script
	 */
	static boolean initializes(DatabaseInitializationMode mode, boolean own, DataSource dataSource) {
		return switch (mode) {
			case ALWAYS -> true;
			case EMBEDDED -> own || isInMemory(dataSource);
			case NEVER -> false;
		};
	}

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

	/**
	 * The offset table in the application's DataSource, or in the embedded database when
	 * it has none. The table is created by Spring Boot's script initializer
	 * ({@link VStreamDataSourceScriptDatabaseInitializer}) when spring-boot-jdbc is on
	 * the class path, else from the same script by the repository's bean.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JdbcTemplate.class)
	@ConditionalOnProperty(name = "vstream.offset-store", havingValue = "jdbc", matchIfMissing = true)
	@Import(DatabaseInitializationDependencyConfigurer.class)
	static class Jdbc {

		@Bean
		@ConditionalOnMissingBean(OffsetRepository.class)
		@DependsOnDatabaseInitialization
		JdbcOffsetRepository vstreamOffsetRepository(ObjectProvider<DataSource> dataSource,
				ObjectProvider<EmbeddedOffsetDatabase> embedded, VStreamProperties properties) {
			DataSource target = dataSource.getIfUnique();
			boolean own = target == null;
			if (target == null) {
				target = embedded.getObject().getDataSource();
			}
			else if (isInMemory(target)) {
				logger.warn("vstream.offset-store=jdbc saves stream positions in an in-memory database: they are "
						+ "lost when the application stops and the stream starts over from vstream.start-position");
			}
			VStreamProperties.Jdbc jdbc = properties.getJdbc();
			JdbcOffsetRepository repository = new JdbcOffsetRepository(new JdbcTemplate(target), jdbc.getTableName());
			if (!SCRIPT_INITIALIZER_PRESENT && initializes(jdbc.getInitializeSchema(), own, target)) {
				SchemaScript.offsets(jdbc.getTableName())
					.createTablesIfMissing(new JdbcTemplate(target), jdbc.getPlatform());
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

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = SCRIPT_INITIALIZER)
		static class SchemaInitializer {

			@Bean
			@ConditionalOnMissingBean(OffsetRepository.class)
			VStreamDataSourceScriptDatabaseInitializer vstreamOffsetSchemaInitializer(
					ObjectProvider<DataSource> dataSource, ObjectProvider<EmbeddedOffsetDatabase> embedded,
					VStreamProperties properties) {
				DataSource target = dataSource.getIfUnique();
				VStreamProperties.Jdbc jdbc = properties.getJdbc();
				return new VStreamDataSourceScriptDatabaseInitializer(
						(target != null) ? target : embedded.getObject().getDataSource(),
						SchemaScript.offsets(jdbc.getTableName()), jdbc.getInitializeSchema(), jdbc.getPlatform(),
						target == null);
			}

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
	@Import(DatabaseInitializationDependencyConfigurer.class)
	static class RunMarker {

		@Bean
		@ConditionalOnMissingBean(StreamRunMarker.class)
		@DependsOnDatabaseInitialization
		@Nullable JdbcStreamRunMarker vstreamRunMarker(ObjectProvider<DataSource> dataSource,
				ObjectProvider<EmbeddedOffsetDatabase> embedded, VStreamProperties properties) {
			DataSource target = dataSource.getIfUnique();
			boolean own = target == null;
			if (target == null) {
				EmbeddedOffsetDatabase database = embedded.getIfAvailable();
				if (database == null) {
					return null;
				}
				target = database.getDataSource();
			}
			VStreamProperties.Jdbc jdbc = properties.getJdbc();
			String table = jdbc.getTableName() + JdbcStreamRunMarker.TABLE_SUFFIX;
			JdbcStreamRunMarker marker = new JdbcStreamRunMarker(new JdbcTemplate(target), table);
			if (!SCRIPT_INITIALIZER_PRESENT && initializes(jdbc.getInitializeSchema(), own, target)) {
				SchemaScript.runMarker(table).createTablesIfMissing(new JdbcTemplate(target), jdbc.getPlatform());
			}
			return marker;
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = SCRIPT_INITIALIZER)
		static class SchemaInitializer {

			@Bean
			@ConditionalOnMissingBean(StreamRunMarker.class)
			@Nullable VStreamDataSourceScriptDatabaseInitializer vstreamRunMarkerSchemaInitializer(
					ObjectProvider<DataSource> dataSource, ObjectProvider<EmbeddedOffsetDatabase> embedded,
					VStreamProperties properties) {
				DataSource target = dataSource.getIfUnique();
				EmbeddedOffsetDatabase database = embedded.getIfAvailable();
				if (target == null && database == null) {
					return null;
				}
				VStreamProperties.Jdbc jdbc = properties.getJdbc();
				return new VStreamDataSourceScriptDatabaseInitializer(
						(target != null) ? target : database.getDataSource(),
						SchemaScript.runMarker(jdbc.getTableName() + JdbcStreamRunMarker.TABLE_SUFFIX),
						jdbc.getInitializeSchema(), jdbc.getPlatform(), target == null);
			}

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
