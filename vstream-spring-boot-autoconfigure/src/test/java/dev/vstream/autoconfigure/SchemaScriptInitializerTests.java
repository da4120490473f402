package dev.vstream.autoconfigure;

import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.DataSource;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VGtid;
import com.zaxxer.hikari.HikariDataSource;
import dev.vstream.offset.JdbcOffsetRepository;
import dev.vstream.offset.OffsetTestServices;
import dev.vstream.offset.SchemaScript;
import dev.vstream.position.StreamPosition;
import dev.vstream.scaling.JdbcLockFence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-platform schema scripts, run by Spring Boot's script initializer
 * ({@link VStreamDataSourceScriptDatabaseInitializer}) on H2, PostgreSQL and MariaDB with
 * configured table names, and the initialize-schema modes (the former booleans included).
 */
class SchemaScriptInitializerTests {

	static Stream<Arguments> databases() {
		return Stream.of(Arguments.of("H2", (Supplier<DataSource>) () -> {
			HikariDataSource dataSource = new HikariDataSource();
			dataSource.setJdbcUrl("jdbc:h2:mem:schema-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
			return dataSource;
		}), Arguments.of("PostgreSQL", (Supplier<DataSource>) () -> server("POSTGRES")),
				Arguments.of("MariaDB", (Supplier<DataSource>) () -> server("MARIADB")));
	}

	private static DataSource server(String service) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(OffsetTestServices.require("VSTREAM_TEST_" + service + "_URL"));
		dataSource.setUsername(OffsetTestServices.require("VSTREAM_TEST_" + service + "_USER"));
		dataSource.setPassword(OffsetTestServices.require("VSTREAM_TEST_" + service + "_PASSWORD"));
		dataSource.setMaximumPoolSize(2);
		return dataSource;
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("databases")
	void scriptsCreateTheConfiguredTablesOnceAndTheStoresWork(String name, Supplier<DataSource> connect) {
		DataSource dataSource = connect.get();
		String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
		String offsets = "offsets_" + suffix;
		String prefix = "L" + suffix + "_";
		List<VStreamDataSourceScriptDatabaseInitializer> initializers = List.of(
				new VStreamDataSourceScriptDatabaseInitializer(dataSource, SchemaScript.offsets(offsets),
						DatabaseInitializationMode.ALWAYS, "", false),
				new VStreamDataSourceScriptDatabaseInitializer(dataSource, SchemaScript.runMarker(offsets + "_run"),
						DatabaseInitializationMode.ALWAYS, "", false),
				new VStreamDataSourceScriptDatabaseInitializer(dataSource, SchemaScript.locks(prefix),
						DatabaseInitializationMode.ALWAYS, "", false));
		try {
			for (VStreamDataSourceScriptDatabaseInitializer initializer : initializers) {
				assertThat(initializer.initializeDatabase()).as(initializer.toString()).isTrue();
				// Again, as on every start: the tables are kept.
				assertThat(initializer.initializeDatabase()).isTrue();
			}
			assertThat(initializers.get(0).getLocation())
				.endsWith(name.equals("MariaDB") ? "schema-mysql.sql" : "schema-" + name.toLowerCase() + ".sql");
			JdbcOffsetRepository repository = new JdbcOffsetRepository(new JdbcTemplate(dataSource), offsets);
			StreamPosition position = position("MariaDB/0-1-9");
			repository.save("Orders", position);
			repository.save("orders", position("MariaDB/0-1-2"));
			assertThat(repository.load("Orders")).contains(position);
			JdbcLockFence fence = new JdbcLockFence(dataSource, new DataSourceTransactionManager(dataSource), "node-1",
					prefix, "vstream");
			assertThat(fence.owner("stream")).isNull();
			assertThat(SchemaScript.runMarker(offsets + "_run").tablesExist(new JdbcTemplate(dataSource))).isTrue();
		}
		finally {
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			for (String table : List.of(offsets, offsets + "_run", prefix + "LOCK")) {
				jdbc.execute("DROP TABLE IF EXISTS " + table);
			}
			((HikariDataSource) dataSource).close();
		}
	}

	@Test
	void embeddedModeLeavesAServerDatabaseAloneButNotTheStartersOwn() {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl("jdbc:h2:file:./target/schema-" + UUID.randomUUID());
		try {
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			assertThat(new VStreamDataSourceScriptDatabaseInitializer(dataSource, SchemaScript.offsets("server_file"),
					DatabaseInitializationMode.EMBEDDED, "", false)
				.initializeDatabase()).isFalse();
			assertThat(SchemaScript.offsets("server_file").tablesExist(jdbc)).isFalse();
			assertThat(new VStreamDataSourceScriptDatabaseInitializer(dataSource, SchemaScript.offsets("own_file"),
					DatabaseInitializationMode.EMBEDDED, "", true)
				.initializeDatabase()).isTrue();
			assertThat(SchemaScript.offsets("own_file").tablesExist(jdbc)).isTrue();
			assertThat(new VStreamDataSourceScriptDatabaseInitializer(dataSource, SchemaScript.offsets("never_file"),
					DatabaseInitializationMode.NEVER, "", true)
				.initializeDatabase()).isFalse();
			assertThat(SchemaScript.offsets("never_file").tablesExist(jdbc)).isFalse();
		}
		finally {
			dataSource.close();
		}
	}

	@Test
	void theFormerBooleanValuesStillBindAndOthersFail() {
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(VStreamAutoConfiguration.class))
			.withPropertyValues("vstream.offset-store=memory", "vstream.auto-startup=false");
		runner.withPropertyValues("vstream.jdbc.initialize-schema=false", "vstream.scaling.jdbc.initialize-schema=TRUE")
			.run((context) -> {
				VStreamProperties properties = context.getBean(VStreamProperties.class);
				assertThat(properties.getJdbc().getInitializeSchema()).isEqualTo(DatabaseInitializationMode.NEVER);
				assertThat(properties.getScaling().getJdbc().getInitializeSchema())
					.isEqualTo(DatabaseInitializationMode.ALWAYS);
			});
		runner.withPropertyValues("vstream.jdbc.initialize-schema=embedded")
			.run((context) -> assertThat(context.getBean(VStreamProperties.class).getJdbc().getInitializeSchema())
				.isEqualTo(DatabaseInitializationMode.EMBEDDED));
		runner.withPropertyValues("vstream.jdbc.initialize-schema=sometimes")
			.run((context) -> assertThat(context).hasFailed());
	}

	@Test
	void theStartersOffsetTablesComeFromTheInitializerBeans() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(VStreamAutoConfiguration.class))
			.withPropertyValues("vstream.auto-startup=false", "vstream.verify-tables=false",
					"vstream.keyspace=commerce", "vstream.jdbc.table-name=app_positions")
			.withUserConfiguration(VStreamAutoConfigurationTests.DataSourceConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasBean("vstreamOffsetSchemaInitializer")
					.hasBean("vstreamRunMarkerSchemaInitializer");
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				assertThat(SchemaScript.offsets("app_positions").tablesExist(jdbc)).isTrue();
				assertThat(SchemaScript.runMarker("app_positions_run").tablesExist(jdbc)).isTrue();
			});
	}

	private static StreamPosition position(String gtid) {
		return StreamPosition.of(VGtid.newBuilder()
			.addShardGtids(ShardGtid.newBuilder().setKeyspace("commerce").setShard("0").setGtid(gtid))
			.build());
	}

}
