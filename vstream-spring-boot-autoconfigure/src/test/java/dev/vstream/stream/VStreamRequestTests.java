package dev.vstream.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VGtid;
import com.google.protobuf.UnknownFieldSet;
import dev.vstream.listener.RowChange;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.vitess.proto.Query;
import io.vitess.proto.Topodata.TabletType;
import io.vitess.proto.Vtgate.VStreamFlags;
import io.vitess.proto.Vtgate.VStreamRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.util.backoff.FixedBackOff;

import static dev.vstream.test.vtgate.Events.begin;
import static dev.vstream.test.vtgate.Events.col;
import static dev.vstream.test.vtgate.Events.commit;
import static dev.vstream.test.vtgate.Events.corderFields;
import static dev.vstream.test.vtgate.Events.field;
import static dev.vstream.test.vtgate.Events.insert;
import static dev.vstream.test.vtgate.Events.order;
import static dev.vstream.test.vtgate.Events.response;
import static dev.vstream.test.vtgate.Events.row;
import static dev.vstream.test.vtgate.Events.vgtid;
import static dev.vstream.test.vtgate.Events.vgtidEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a stream asks vtgate for: flags, customizers, and one call per group of keyspaces
 * that want the same tables, with one position over all calls.
 */
class VStreamRequestTests {

	private final StreamFixture<InMemoryOffsetRepository> fixture = StreamFixture.inMemory();

	private final ScriptedVtgate vtgate = this.fixture.vtgate();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void everyFlagAndTheCustomizersReachTheRequest() throws Exception {
		List<String> order = new ArrayList<>();
		VStreamRequestOptions options = new VStreamRequestOptions(true, List.of("zone1", "zone2"), "OnlySpecified",
				"InOrder", true, true, true, 4_000_000, List.of((request) -> {
					order.add("first");
					assertThat(request.getFlags().getMinimizeSkew()).isTrue();
				}, (request) -> {
					order.add("second");
					request.setFlags(request.getFlags().toBuilder().setHeartbeatInterval(42));
				}));
		VStreamSettings settings = settings(List.of()).withRequestOptions(options);
		VStreamRequest request = onlyRequest(settings, List.of(listener("commerce", "corder")));
		VStreamFlags flags = request.getFlags();
		assertThat(flags.getMinimizeSkew()).isTrue();
		assertThat(flags.getCells()).isEqualTo("zone1,zone2");
		assertThat(flags.getCellPreference()).isEqualTo("OnlySpecified");
		assertThat(flags.getTabletOrder()).isEqualTo("InOrder");
		assertThat(flags.getStreamKeyspaceHeartbeats()).isTrue();
		assertThat(flags.getIncludeReshardJournalEvents()).isTrue();
		assertThat(flags.getExcludeKeyspaceFromTableName()).isTrue();
		assertThat(flags.getStopOnReshard()).isTrue();
		// Applied last, in order.
		assertThat(order).containsExactly("first", "second");
		assertThat(flags.getHeartbeatInterval()).isEqualTo(42);
		// transaction_chunk_size (field 11 of Vitess 24's VStreamFlags) as vtgate reads
		// it off the wire.
		UnknownFieldSet wire = UnknownFieldSet.newBuilder().mergeFrom(flags.toByteArray()).build();
		assertThat(wire.getField(VStreamRequestFactory.TRANSACTION_CHUNK_SIZE_FIELD).getVarintList())
			.containsExactly(4_000_000L);
	}

	@Test
	void defaultsAreVtgatesOwn() {
		VStreamRequest request = onlyRequest(settings(List.of()), List.of(listener("commerce", "corder")));
		assertThat(request.getFlags().getExcludeKeyspaceFromTableName()).isFalse();
		assertThat(request.getFlags().getMinimizeSkew()).isFalse();
		assertThat(request.getFlags().getCells()).isEmpty();
		assertThat(request.getFlags().getUnknownFields().hasField(VStreamRequestFactory.TRANSACTION_CHUNK_SIZE_FIELD))
			.isFalse();
	}

	@Test
	void keyspacesWithOtherTablesGetACallEachAndOnlyTheirTables() {
		VStreamSettings settings = settings(List.of());
		List<VStreamListenerEndpoint> listeners = List.of(listener("commerce", "corder"),
				listener("customer", "customer"), listener("other", "corder"));
		List<VStreamRequestFactory.Call> calls = calls(settings, listeners);
		assertThat(calls).extracting(VStreamRequestFactory.Call::keyspaces)
			.containsExactly(List.of("commerce", "other"), List.of("customer"));
		List<VStreamRequest> requests = VStreamRequestFactory.requests(settings, calls,
				start("commerce", "customer", "other"));
		assertThat(requests.get(0).getFilter().getRulesList()).extracting((r) -> r.getMatch())
			.containsExactly("corder");
		assertThat(requests.get(0).getVgtid().getShardGtidsList()).extracting(ShardGtid::getKeyspace)
			.containsExactly("commerce", "other");
		assertThat(requests.get(1).getFilter().getRulesList()).extracting((r) -> r.getMatch())
			.containsExactly("customer");
		assertThat(requests.get(1).getVgtid().getShardGtidsList()).extracting(ShardGtid::getKeyspace)
			.containsExactly("customer");
	}

	@Test
	void tablesToCopyApplyPerKeyspaceAndAKeyspaceCopyingNothingStartsAtCurrent() {
		VStreamSettings settings = settings(List.of("commerce.corder", "customer"));
		List<VStreamListenerEndpoint> listeners = List.of(listener("commerce", "corder"),
				listener("commerce", "customer"), listener("customer", "corder"), listener("customer", "customer"),
				listener("third", "corder"));
		List<VStreamRequestFactory.Call> calls = calls(settings, listeners);
		List<VStreamRequest> requests = VStreamRequestFactory.requests(settings, calls,
				start("commerce", "customer", "third"));
		assertThat(requests).hasSize(3);
		assertThat(requests.get(0).getFlags().getTablesToCopyList()).containsExactly("corder", "customer");
		assertThat(requests.get(1).getFlags().getTablesToCopyList()).containsExactly("customer");
		// third listens to corder only, which only commerce copies.
		assertThat(requests.get(2).getFlags().getTablesToCopyList()).isEmpty();
		assertThat(requests.get(2).getVgtid().getShardGtidsList()).singleElement()
			.satisfies((sg) -> assertThat(sg.getGtid()).isEqualTo("current"));
		assertThat(requests.get(0).getVgtid().getShardGtidsList()).singleElement()
			.satisfies((sg) -> assertThat(sg.getGtid()).isEmpty());
	}

	@Test
	void twoCallsDeliverTheirTablesAndSaveOnePositionOfBoth() {
		Listener listener = new Listener();
		VStreamSettings settings = new VStreamSettings("test", "commerce", StartPosition.CURRENT, TabletType.PRIMARY,
				Duration.ofSeconds(5), false, new FixedBackOff(10, Long.MAX_VALUE), List.of(), List.of(),
				Map.of("commerce", List.of("0"), "customer", List.of("-80")), null, false);
		VStreamListenerEndpoint orders = this.fixture.endpoint("orders", "commerce", "corder", listener, "onChange");
		VStreamListenerEndpoint customers = this.fixture.endpoint("customers", "customer", "customer", listener,
				"onChange");
		this.fixture.start(this.fixture.container(settings, VStreamErrorHandler.stopStream(), orders, customers));
		await().until(() -> this.vtgate.requests().size() == 2);
		assertThat(this.vtgate.requests())
			.allSatisfy((request) -> assertThat(request.getFilter().getRulesCount()).isOne());
		VGtid commerceAt5 = vgtid("commerce", "0", "MySQL56/a:1-5");
		assertThat(this.vtgate.sendTo("commerce", "0", response(begin(), corderFields("commerce", "0"),
				insert("commerce", "0", "corder", order(5)), vgtidEvent(commerceAt5), commit())))
			.isOne();
		await().untilAsserted(() -> assertThat(listener.changes).hasSize(1));
		StreamPosition afterFirst = this.fixture.offsets().load("test").orElseThrow();
		assertThat(afterFirst.toVGtid().getShardGtidsList())
			.extracting((sg) -> sg.getKeyspace() + "/" + sg.getShard() + "@" + sg.getGtid())
			.containsExactlyInAnyOrder("commerce/0@MySQL56/a:1-5", "customer/-80@current");
		VGtid customerAt9 = vgtid("customer", "-80", "MySQL56/a:1-9");
		assertThat(this.vtgate.sendTo("customer", "-80", response(begin(),
				field("customer", "-80", "customer", col("customer_id", Query.Type.INT64),
						col("email", Query.Type.VARCHAR)),
				insert("customer", "-80", "customer", row(9, "x@example.com")), vgtidEvent(customerAt9), commit())))
			.isOne();
		await().untilAsserted(() -> assertThat(listener.changes).hasSize(2));
		assertThat(listener.changes.get(0).table()).isEqualTo("corder");
		assertThat(listener.changes.get(1).table()).isEqualTo("customer");
		await().untilAsserted(
				() -> assertThat(this.fixture.offsets().load("test").orElseThrow().toVGtid().getShardGtidsList())
					.extracting((sg) -> sg.getKeyspace() + "/" + sg.getShard() + "@" + sg.getGtid())
					.containsExactlyInAnyOrder("commerce/0@MySQL56/a:1-5", "customer/-80@MySQL56/a:1-9"));
		// Each change carries the position of both calls.
		assertThat(listener.changes.get(1).position().toVGtid().getShardGtidsCount()).isEqualTo(2);
	}

	@Test
	void aHyphenatedKeyspaceIsStreamedCheckedAndResumedByItsName() {
		Listener listener = new Listener();
		this.vtgate.withTables("my-ks", "corder");
		VStreamSettings settings = new VStreamSettings("test", "my-ks", StartPosition.CURRENT, TabletType.PRIMARY,
				Duration.ofSeconds(5), false, new FixedBackOff(10, Long.MAX_VALUE), List.of(), List.of(),
				Map.of("my-ks", List.of("-80")), null, false);
		DefaultVStreamContainer container = this.fixture.container(settings, VStreamErrorHandler.stopStream(),
				this.fixture.endpoint("orders", "corder", listener, "onChange"));
		container.getContainerOptions().setVerifyTables(true);
		this.fixture.start(container);
		await().until(() -> this.vtgate.requests().size() == 1);
		assertThat(this.vtgate.requests().get(0).getVgtid().getShardGtidsList()).singleElement()
			.satisfies((sg) -> assertThat(sg.getKeyspace() + "/" + sg.getShard()).isEqualTo("my-ks/-80"));
		VGtid at5 = vgtid("my-ks", "-80", "MySQL56/a:1-5");
		this.vtgate.sendTo("my-ks", "-80", response(begin(), corderFields("my-ks", "-80"),
				insert("my-ks", "-80", "corder", order(5)), vgtidEvent(at5), commit()));
		await().untilAsserted(() -> assertThat(listener.changes).hasSize(1));
		assertThat(listener.changes.get(0).keyspace()).isEqualTo("my-ks");
		await().untilAsserted(() -> assertThat(this.fixture.offsets().load("test")).contains(StreamPosition.of(at5)));
		// The saved form reads back, and a restart resumes there.
		assertThat(StreamPosition.fromJson(StreamPosition.of(at5).toJson())).isEqualTo(StreamPosition.of(at5));
		container.stop();
		this.fixture.start(container);
		await().until(() -> this.vtgate.requests().size() == 2);
		assertThat(this.vtgate.requests().get(1).getVgtid()).isEqualTo(at5);
	}

	private static VStreamSettings settings(List<String> tablesToCopy) {
		return new VStreamSettings("test", "commerce", StartPosition.COPY, TabletType.PRIMARY, Duration.ofSeconds(5),
				true, new FixedBackOff(10, Long.MAX_VALUE), List.of(), tablesToCopy, Map.of(), null, false);
	}

	private VStreamListenerEndpoint listener(String keyspace, String table) {
		return this.fixture.endpoint(keyspace + "." + table, keyspace, table, new Listener(), "onChange");
	}

	private static List<VStreamRequestFactory.Call> calls(VStreamSettings settings,
			List<VStreamListenerEndpoint> listeners) {
		List<String> keyspaces = listeners.stream().map(VStreamListenerEndpoint::getKeyspace).distinct().toList();
		return VStreamRequestFactory.calls(settings, listeners, VStreamListenerEndpoint::getKeyspace,
				new LinkedHashSet<>(keyspaces));
	}

	private static VStreamRequest onlyRequest(VStreamSettings settings, List<VStreamListenerEndpoint> listeners) {
		List<VStreamRequest> requests = VStreamRequestFactory.requests(settings, calls(settings, listeners),
				start("commerce"));
		assertThat(requests).hasSize(1);
		return requests.get(0);
	}

	private static StreamPosition start(String... keyspaces) {
		VGtid.Builder vgtid = VGtid.newBuilder();
		for (String keyspace : keyspaces) {
			vgtid.addShardGtids(ShardGtid.newBuilder().setKeyspace(keyspace));
		}
		return StreamPosition.of(vgtid.build());
	}

	static class Listener {

		final List<RowChange<Map<String, Object>>> changes = new CopyOnWriteArrayList<>();

		void onChange(RowChange<Map<String, Object>> change) {
			this.changes.add(change);
		}

	}

}
