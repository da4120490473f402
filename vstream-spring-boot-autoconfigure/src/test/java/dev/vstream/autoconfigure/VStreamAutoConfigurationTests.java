package dev.vstream.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

import dev.vstream.annotation.VStreamListener;
import dev.vstream.annotation.VStreamListenerAnnotationBeanPostProcessor;
import dev.vstream.listener.DeadLetterHandler;
import dev.vstream.listener.DefaultVStreamErrorHandler;
import dev.vstream.listener.Operation;
import dev.vstream.listener.RowChange;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.listener.VStreamListenerEndpointRegistry;
import dev.vstream.mapping.RowMapperFactory;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.offset.JdbcOffsetRepository;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.offset.OffsetStoreException;
import dev.vstream.offset.RedisOffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.stream.CheckpointPolicy;
import dev.vstream.stream.DefaultVStreamContainer;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.vitess.proto.Topodata.TabletType;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;
import org.springframework.transaction.PlatformTransactionManager;

import static dev.vstream.autoconfigure.AutoConfigurationContexts.failure;
import static dev.vstream.test.vtgate.Events.vgtid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

class VStreamAutoConfigurationTests {

	private final ApplicationContextRunner runner = AutoConfigurationContexts.withEmbeddedOffsets();

	@Test
	void defaultsToAJdbcStoreInAnEmbeddedDatabaseAndOneStream() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(VStreamContainer.class)
				.hasSingleBean(VStreamListenerEndpointRegistry.class)
				.hasSingleBean(VStreamListenerAnnotationBeanPostProcessor.class)
				.hasSingleBean(RowMapperFactory.class)
				.hasSingleBean(ManagedChannel.class)
				.hasSingleBean(JdbcOffsetRepository.class)
				.doesNotHaveBean(DataSource.class);
			VStreamContainer container = context.getBean(VStreamContainer.class);
			assertThat(container.getId()).isEqualTo("default");
			assertThat(container.getSettings().defaultKeyspace()).isEqualTo("commerce");
			assertThat(container.getSettings().startPosition()).isEqualTo(StartPosition.COPY);
			OffsetRepository offsets = context.getBean(OffsetRepository.class);
			offsets.save("s", StreamPosition.of(vgtid("commerce", "0", "MySQL56/x:1-3")));
			assertThat(offsets.load("s")).isPresent();
		});
	}

	@Test
	void jdbcStoreUsesTheApplicationsDataSource() {
		this.runner.withUserConfiguration(DataSourceConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(JdbcOffsetRepository.class).doesNotHaveBean(EmbeddedOffsetDatabase.class);
			context.getBean(OffsetRepository.class)
				.save("s", StreamPosition.of(vgtid("commerce", "0", "MySQL56/x:1-3")));
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			assertThat(jdbc.queryForObject("select count(*) from vstream_offset", Integer.class)).isEqualTo(1);
		});
	}

	@Test
	void listenerWorkSharesTheTransactionOfTheDataSourceHoldingTheOffsets() {
		this.runner.withUserConfiguration(DataSourceConfiguration.class)
			.withBean(PlatformTransactionManager.class,
					// a transaction manager of another database cannot cover the offset
					// table
					() -> new DataSourceTransactionManager(new DataSourceConfiguration().dataSource()))
			.run((context) -> assertThat(
					context.getBean(VStreamContainer.class).getContainerOptions().getTransactionManager())
				.isNull());
		this.runner.withUserConfiguration(DataSourceConfiguration.class, TransactionManagerConfiguration.class)
			.run((context) -> assertThat(
					context.getBean(VStreamContainer.class).getContainerOptions().getTransactionManager())
				.isSameAs(context.getBean(PlatformTransactionManager.class)));
		this.runner.withUserConfiguration(DataSourceConfiguration.class, TransactionManagerConfiguration.class)
			.withPropertyValues("vstream.jdbc.transactional=false")
			.run((context) -> assertThat(
					context.getBean(VStreamContainer.class).getContainerOptions().getTransactionManager())
				.isNull());
	}

	@Test
	void offsetsLandInTheConfiguredTable() {
		this.runner.withUserConfiguration(DataSourceConfiguration.class)
			.withPropertyValues("vstream.auto-startup=false", "vstream.jdbc.table-name=stream_positions")
			.run((context) -> {
				context.getBean(OffsetRepository.class)
					.save("s", StreamPosition.of(vgtid("commerce", "0", "MySQL56/x:1-3")));
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				assertThat(jdbc.queryForObject("select position from stream_positions where stream_id = 's'",
						String.class))
					.contains("MySQL56/x:1-3");
				assertThat(tables(jdbc)).contains("STREAM_POSITIONS", "STREAM_POSITIONS_RUN")
					.doesNotContain("VSTREAM_OFFSET");
			});
	}

	@Test
	void withoutSchemaInitializationNoTableIsCreatedAndTheStoreSaysWhatIsMissing() {
		this.runner.withUserConfiguration(DataSourceConfiguration.class)
			.withPropertyValues("vstream.auto-startup=false", "vstream.jdbc.initialize-schema=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(tables(new JdbcTemplate(context.getBean(DataSource.class)))).isEmpty();
				assertThatExceptionOfType(OffsetStoreException.class)
					.isThrownBy(() -> context.getBean(OffsetRepository.class).load("s"))
					.withMessageContaining("table 'vstream_offset'")
					.withMessageContaining("does the table exist?");
			});
	}

	@Test
	void withoutSchemaInitializationAMissingTableFailsStartUp() {
		try (ScriptedVtgate vtgate = new ScriptedVtgate()) {
			this.runner.withUserConfiguration(DataSourceConfiguration.class)
				.withPropertyValues("vstream.jdbc.initialize-schema=false", "vstream.verify-tables=false",
						"orders.table=corder")
				.withBean("vstreamChannel", ManagedChannel.class, vtgate::channel)
				.withUserConfiguration(ListenerConfiguration.class)
				.run((context) -> {
					assertThat(failure(context)).contains("Stream 'default' cannot start")
						.contains("table 'vstream_offset'")
						.contains("does the table exist?")
						.contains("vstream.jdbc.initialize-schema");
					assertThat(vtgate.requests()).isEmpty();
				});
		}
	}

	@Test
	void tabletTypeReachesTheVStreamRequest() {
		try (ScriptedVtgate vtgate = new ScriptedVtgate()) {
			this.runner
				.withPropertyValues("vstream.tablet-type=replica", "vstream.offset-store=memory",
						"vstream.verify-tables=false", "orders.table=corder")
				.withBean("vstreamChannel", ManagedChannel.class, vtgate::channel)
				.withUserConfiguration(ListenerConfiguration.class)
				.run((context) -> {
					await().until(() -> !vtgate.requests().isEmpty());
					assertThat(vtgate.requests().get(0).getTabletType()).isEqualTo(TabletType.REPLICA);
				});
		}
	}

	@Test
	void keepAliveAndMessageSizeSettingsReachTheChannelBuilder() {
		// What gRPC does with them is gRPC's: this checks that the builder is told.
		this.runner
			.withPropertyValues("vstream.auto-startup=false", "vstream.vtgate.keep-alive-time=45s",
					"vstream.vtgate.keep-alive-timeout=7s", "vstream.vtgate.max-inbound-message-size=32MB")
			.run((context) -> {
				ManagedChannelBuilder<?> builder = mock(ManagedChannelBuilder.class);
				VStreamAutoConfiguration.configure(builder, context.getBean(VStreamProperties.class).getVtgate());
				verify(builder).keepAliveTime(45_000, TimeUnit.MILLISECONDS);
				verify(builder).keepAliveTimeout(7_000, TimeUnit.MILLISECONDS);
				verify(builder).maxInboundMessageSize(32 * 1024 * 1024);
				verify(builder).keepAliveWithoutCalls(false);
			});
	}

	private static List<String> tables(JdbcTemplate jdbc) {
		return jdbc.queryForList("select table_name from information_schema.tables where table_schema = 'PUBLIC'",
				String.class);
	}

	@Test
	void checkpointPolicyFromProperties() {
		this.runner.withPropertyValues("vstream.checkpoint.transactions=50", "vstream.checkpoint.interval=2s")
			.run((context) -> assertThat(
					context.getBean(VStreamContainer.class).getContainerOptions().getCheckpointPolicy())
				.isEqualTo(new CheckpointPolicy(50, Duration.ofSeconds(2), 1000, Duration.ofMillis(100),
						Duration.ofMillis(100))));
		this.runner
			.withPropertyValues("vstream.checkpoint.group.transactions=1", "vstream.checkpoint.group.interval=0",
					"vstream.checkpoint.group.min-interval=0")
			.run((context) -> assertThat(
					context.getBean(VStreamContainer.class).getContainerOptions().getCheckpointPolicy())
				.isEqualTo(CheckpointPolicy.EVERY_TRANSACTION));
	}

	@Test
	void stopTimeoutFromPropertiesAndTenSecondsByDefault() {
		this.runner.run((context) -> assertThat(
				((DefaultVStreamContainer) context.getBean(VStreamContainer.class)).getContainerOptions()
					.getStopTimeout())
			.isEqualTo(Duration.ofSeconds(10)));
		this.runner.withPropertyValues("vstream.stop-timeout=2500ms")
			.run((context) -> assertThat(
					((DefaultVStreamContainer) context.getBean(VStreamContainer.class)).getContainerOptions()
						.getStopTimeout())
				.isEqualTo(Duration.ofMillis(2500)));
		this.runner.withPropertyValues("vstream.stop-timeout=-1s")
			.run((context) -> assertThat(failure(context)).contains("stop-timeout").contains("must not be negative"));
	}

	@Test
	void deadLetterRecoveryWithoutAHandlerFailsNamingTheProperty() {
		this.runner.withPropertyValues("vstream.error.recovery=dead-letter")
			.run((context) -> assertThat(failure(context)).contains("vstream.error.recovery=dead-letter")
				.contains("DeadLetterHandler"));
	}

	@Test
	void deadLetterRecoveryWithAHandler() {
		this.runner.withPropertyValues("vstream.error.recovery=dead-letter")
			.withBean(DeadLetterHandler.class, () -> (event, listener, ex) -> {
			})
			.run((context) -> assertThat(context).hasNotFailed()
				.getBean(VStreamErrorHandler.class)
				.isInstanceOf(DefaultVStreamErrorHandler.class));
	}

	@Test
	void malformedStartVgtidFailsNamingTheProperty() {
		this.runner.withPropertyValues("vstream.start-vgtid={\"shardGtids\": 42")
			.run((context) -> assertThat(failure(context)).contains("start-vgtid").contains("not a valid VGtid"));
	}

	@Test
	void checkpointCountMustBePositive() {
		this.runner.withPropertyValues("vstream.checkpoint.transactions=0")
			.run((context) -> assertThat(failure(context)).contains("checkpoint.transactions"));
	}

	@Test
	void groupCommitCountMustBePositiveAndIntervalNotNegative() {
		this.runner.withPropertyValues("vstream.checkpoint.group.transactions=0")
			.run((context) -> assertThat(failure(context)).contains("checkpoint.group.transactions"));
		this.runner.withPropertyValues("vstream.checkpoint.group.interval=-1s")
			.run((context) -> assertThat(failure(context)).contains("checkpoint.group.interval"));
		this.runner.withPropertyValues("vstream.checkpoint.group.min-interval=-1ms")
			.run((context) -> assertThat(failure(context)).contains("checkpoint.group.min-interval"));
	}

	@Test
	void memoryStoreByProperty() {
		this.runner.withPropertyValues("vstream.offset-store=memory")
			.run((context) -> assertThat(context).hasSingleBean(InMemoryOffsetRepository.class)
				.doesNotHaveBean(JdbcOffsetRepository.class));
	}

	@Test
	void redisStoreByProperty() {
		this.runner.withPropertyValues("vstream.offset-store=redis")
			.withBean(RedisConnectionFactory.class, () -> new LettuceConnectionFactory("127.0.0.1", 1))
			.run((context) -> assertThat(context).hasSingleBean(RedisOffsetRepository.class)
				.doesNotHaveBean(JdbcOffsetRepository.class));
	}

	@Test
	void redisStoreWithoutRedisFailsNamingTheProperty() {
		this.runner.withPropertyValues("vstream.offset-store=redis")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("vstream.offset-store=redis")
				.hasMessageContaining("RedisConnectionFactory"));
	}

	@Test
	void userOffsetRepositoryReplacesOurs() {
		OffsetRepository mine = new InMemoryOffsetRepository() {
		};
		this.runner.withBean(OffsetRepository.class, () -> mine).run((context) -> {
			assertThat(context).hasSingleBean(OffsetRepository.class).doesNotHaveBean(JdbcOffsetRepository.class);
			assertThat(context.getBean(OffsetRepository.class)).isSameAs(mine);
		});
	}

	@Test
	void badAddressFailsNamingTheProperty() {
		this.runner.withPropertyValues("vstream.vtgate.address=no-port-here")
			.run((context) -> assertThat(failure(context)).contains("vstream")
				.contains("vtgate.address")
				.contains("no-port-here")
				.contains("must be host:port"));
	}

	@Test
	void unknownStartPositionFailsNamingTheProperty() {
		this.runner.withPropertyValues("vstream.start-position=sideways")
			.run((context) -> assertThat(failure(context)).contains("vstream.start-position").contains("sideways"));
	}

	@Test
	void negativeDurationFailsNamingTheProperty() {
		this.runner.withPropertyValues("vstream.heartbeat-interval=-5s")
			.run((context) -> assertThat(failure(context)).contains("heartbeat-interval")
				.contains("must not be negative"));
	}

	@Test
	void unknownOffsetStoreFailsNamingTheProperty() {
		this.runner.withPropertyValues("vstream.offset-store=cassandra")
			.run((context) -> assertThat(failure(context)).contains("vstream.offset-store").contains("cassandra"));
	}

	@Test
	void disabledByProperty() {
		this.runner.withPropertyValues("vstream.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(VStreamContainer.class)
				.doesNotHaveBean(OffsetRepository.class));
	}

	@Test
	void listenerMethodsAreRegisteredWithPlaceholdersResolved() {
		this.runner.withPropertyValues("vstream.auto-startup=false", "orders.table=corder")
			.withUserConfiguration(ListenerConfiguration.class)
			.run((context) -> {
				VStreamListenerEndpointRegistry registry = context.getBean(VStreamListenerEndpointRegistry.class);
				assertThat(registry.getEndpoints()).extracting(VStreamListenerEndpoint::getId)
					.containsExactlyInAnyOrder("orders", "listeners.gone");
				VStreamListenerEndpoint orders = registry.getEndpoint("orders");
				assertThat(orders.getTable()).isEqualTo("corder");
				assertThat(orders.getAdapter().getPayloadType()).isEqualTo(Order.class);
				VStreamListenerEndpoint gone = registry.getEndpoint("listeners.gone");
				assertThat(gone.getKeyspace()).isEqualTo("customer");
				assertThat(gone.getOperations()).containsExactly(Operation.DELETE);
				assertThat(context.getBean(VStreamContainer.class).isRunning()).isFalse();
			});
	}

	@Test
	void listenerWithUnusableSignatureFailsNamingTheMethod() {
		this.runner.withPropertyValues("vstream.auto-startup=false")
			.withBean("badListener", BadListener.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("BadListener.twoRows(Order, Order)")
				.hasMessageContaining("more than one row parameter"));
	}

	@Test
	void listenerWithoutKeyspaceFailsStartWhenThereIsNoDefault() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(VStreamAutoConfiguration.class))
			.withPropertyValues("vstream.offset-store=memory")
			.withUserConfiguration(ListenerConfiguration.class)
			.withPropertyValues("orders.table=corder")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("vstream.keyspace")
				.hasMessageContaining("orders"));
	}

	@Configuration(proxyBeanMethods = false)
	static class DataSourceConfiguration {

		@Bean
		DataSource dataSource() {
			return new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TransactionManagerConfiguration {

		@Bean
		PlatformTransactionManager transactionManager(DataSource dataSource) {
			return new DataSourceTransactionManager(dataSource);
		}

	}

	record Order(long orderId, String sku) {
	}

	@Configuration(proxyBeanMethods = false)
	static class ListenerConfiguration {

		@Bean
		Listeners listeners() {
			return new Listeners();
		}

	}

	static class Listeners {

		@VStreamListener(table = "${orders.table}", id = "orders")
		void orders(RowChange<Order> change) {
		}

		@VStreamListener(table = "customer", keyspace = "customer", ops = Operation.DELETE)
		void gone(Order order, Operation op) {
		}

	}

	static class BadListener {

		@VStreamListener(table = "corder")
		void twoRows(Order one, Order two) {
		}

	}

}
