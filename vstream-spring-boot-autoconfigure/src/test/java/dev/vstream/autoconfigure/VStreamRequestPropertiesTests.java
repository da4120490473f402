package dev.vstream.autoconfigure;

import com.google.protobuf.UnknownFieldSet;
import dev.vstream.stream.VStreamRequestCustomizer;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.ManagedChannel;
import io.vitess.proto.Vtgate.VStreamFlags;
import io.vitess.proto.Vtgate.VStreamRequest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static dev.vstream.autoconfigure.AutoConfigurationContexts.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code vstream.flags.*} and {@link VStreamRequestCustomizer} beans reach the request
 * vtgate receives.
 */
class VStreamRequestPropertiesTests {

	private final ApplicationContextRunner runner = AutoConfigurationContexts.withEmbeddedOffsets()
		.withPropertyValues("vstream.offset-store=memory", "vstream.verify-tables=false", "orders.table=corder")
		.withUserConfiguration(VStreamAutoConfigurationTests.ListenerConfiguration.class);

	@Test
	void everyFlagPropertyReachesTheRequest() {
		try (ScriptedVtgate vtgate = new ScriptedVtgate()) {
			this.runner
				.withPropertyValues("vstream.flags.minimize-skew=true", "vstream.flags.cells=zone1, zone2",
						"vstream.flags.cell-preference=only-specified", "vstream.flags.tablet-order=in-order",
						"vstream.flags.stream-keyspace-heartbeats=true",
						"vstream.flags.include-reshard-journal-events=true",
						"vstream.flags.exclude-keyspace-from-table-name=true")
				.withBean("vstreamChannel", ManagedChannel.class, vtgate::channel)
				.run((context) -> {
					await().until(() -> !vtgate.requests().isEmpty());
					VStreamFlags flags = vtgate.requests().get(0).getFlags();
					assertThat(flags.getMinimizeSkew()).isTrue();
					assertThat(flags.getCells()).isEqualTo("zone1,zone2");
					assertThat(flags.getCellPreference()).isEqualTo("OnlySpecified");
					assertThat(flags.getTabletOrder()).isEqualTo("InOrder");
					assertThat(flags.getStreamKeyspaceHeartbeats()).isTrue();
					assertThat(flags.getIncludeReshardJournalEvents()).isTrue();
					assertThat(flags.getExcludeKeyspaceFromTableName()).isTrue();
				});
		}
	}

	@Test
	void transactionChunkSizeReachesTheRequestAsVitess24sField() {
		try (ScriptedVtgate vtgate = new ScriptedVtgate()) {
			this.runner.withPropertyValues("vstream.flags.transaction-chunk-size=8MB")
				.withBean("vstreamChannel", ManagedChannel.class, vtgate::channel)
				.run((context) -> {
					await().until(() -> !vtgate.requests().isEmpty());
					VStreamFlags flags = vtgate.requests().get(0).getFlags();
					assertThat(flags.getExcludeKeyspaceFromTableName()).isFalse();
					UnknownFieldSet wire = UnknownFieldSet.parseFrom(flags.toByteArray());
					assertThat(wire.getField(11).getVarintList()).containsExactly(8L * 1024 * 1024);
				});
		}
	}

	@Test
	void chunkSizeWithMinimizeSkewFailsStartUp() {
		this.runner.withPropertyValues("vstream.flags.transaction-chunk-size=8MB", "vstream.flags.minimize-skew=true")
			.run((context) -> assertThat(failure(context)).contains("vstream.flags.transaction-chunk-size")
				.contains("minimize_skew"));
	}

	@Test
	void severalKeyspacesInVStreamKeyspaceFailStartUp() {
		this.runner.withPropertyValues("vstream.keyspace=commerce,customer")
			.run((context) -> assertThat(failure(context)).contains("vstream.keyspace")
				.contains("several keyspaces in vstream.keyspace are not supported"));
	}

	@Test
	void customizerBeansApplyLastInOrder() {
		try (ScriptedVtgate vtgate = new ScriptedVtgate()) {
			this.runner.withPropertyValues("vstream.heartbeat-interval=7s", "vstream.flags.cells=zone1")
				.withBean("vstreamChannel", ManagedChannel.class, vtgate::channel)
				.withUserConfiguration(Customizers.class)
				.run((context) -> {
					await().until(() -> !vtgate.requests().isEmpty());
					VStreamRequest request = vtgate.requests().get(0);
					// The second (by @Order) saw the first's change and the properties.
					assertThat(request.getFlags().getCells()).isEqualTo("zone1,zone9");
					assertThat(request.getFlags().getHeartbeatInterval()).isEqualTo(7);
				});
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Customizers {

		@Bean
		@Order(2)
		VStreamRequestCustomizer second() {
			return (request) -> request
				.setFlags(request.getFlags().toBuilder().setCells(request.getFlags().getCells() + ",zone9"));
		}

		@Bean
		@Order(1)
		VStreamRequestCustomizer first() {
			return (request) -> assertThat(request.getFlags().getCells()).isEqualTo("zone1");
		}

	}

}
