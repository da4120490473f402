package dev.vstream.stream;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import binlogdata.Binlogdata;
import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VGtid;
import com.google.protobuf.ByteString;
import dev.vstream.listener.RowChange;
import dev.vstream.listener.RowCondition;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.Status;
import io.vitess.proto.Topodata.TabletType;
import io.vitess.proto.Vtgate.VStreamRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.util.backoff.FixedBackOff;

import static dev.vstream.test.vtgate.Events.begin;
import static dev.vstream.test.vtgate.Events.commit;
import static dev.vstream.test.vtgate.Events.corderFields;
import static dev.vstream.test.vtgate.Events.insert;
import static dev.vstream.test.vtgate.Events.response;
import static dev.vstream.test.vtgate.Events.row;
import static dev.vstream.test.vtgate.Events.rows;
import static dev.vstream.test.vtgate.Events.update;
import static dev.vstream.test.vtgate.Events.vgtid;
import static dev.vstream.test.vtgate.Events.vgtidEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Listener conditions and columns in the rules sent to vtgate: what is pushed down when
 * listeners of a table agree or differ, projection by row type, and the client-side check
 * of what vtgate cannot apply.
 */
class ServerSideFilterTests {

	private static final List<String> CORDER_COLUMNS = List.of("order_id", "customer_id", "sku", "price");

	private final StreamFixture<InMemoryOffsetRepository> fixture = StreamFixture.inMemory();

	private final ScriptedVtgate vtgate = this.fixture.vtgate();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void theRequestCarriesTheListenersWhereAndColumns() {
		VStreamListenerEndpoint listener = mapListener("orders", new MapListener());
		listener.setWhere(RowCondition.parse("price > 10 and customer_id in (1,2)"));
		listener.setColumns(List.of("order_id", "price"));
		VStreamRequest request = VStreamRequestFactory
			.requests(settings(),
					VStreamRequestFactory.calls(settings(), List.of(listener), VStreamListenerEndpoint::getKeyspace,
							Set.of("commerce")),
					StreamPosition
						.of(VGtid.newBuilder().addShardGtids(ShardGtid.newBuilder().setKeyspace("commerce")).build()))
			.get(0);
		assertThat(request.getFilter().getRules(0).getMatch()).isEqualTo("corder");
		assertThat(request.getFilter().getRules(0).getFilter())
			.isEqualTo("select `order_id`, `price` from `corder` where `price` > 10 and `customer_id` in (1, 2)");
	}

	@Test
	void aRecordOrBeanGetsTheColumnsItMapsAndAMapGetsAll() {
		VStreamListenerEndpoint record = this.fixture.endpoint("record", "commerce", "corder", new RecordListener(),
				"onOrder");
		VStreamListenerEndpoint bean = this.fixture.endpoint("bean", "commerce", "corder", new BeanListener(),
				"onOrder");
		VStreamListenerEndpoint map = mapListener("map", new MapListener());
		assertThat(RuleFilters.rule("corder", List.of(record), CORDER_COLUMNS).sql())
			.isEqualTo("select `order_id`, `price` from `corder`");
		assertThat(RuleFilters.rule("corder", List.of(record), CORDER_COLUMNS).projected()).isTrue();
		assertThat(RuleFilters.rule("corder", List.of(record, bean), CORDER_COLUMNS).sql())
			.isEqualTo("select `order_id`, `sku`, `price` from `corder`");
		assertThat(RuleFilters.rule("corder", List.of(record, map), CORDER_COLUMNS).sql())
			.isEqualTo("select * from `corder`");
		// Unknown columns: every column.
		assertThat(RuleFilters.rule("corder", List.of(record), null).sql()).isEqualTo("select * from `corder`");
		// Every column asked for: no projection.
		bean.setColumns(List.of("CUSTOMER_ID", "sku"));
		assertThat(RuleFilters.rule("corder", List.of(record, bean), CORDER_COLUMNS).sql())
			.isEqualTo("select * from `corder`");
		assertThat(RuleFilters.rule("corder", List.of(record, bean), CORDER_COLUMNS).projected()).isFalse();
	}

	@Test
	void listenersOfOneTableShareTheTermsTheyAgreeOnAndTheRestIsCheckedHere() {
		VStreamListenerEndpoint dear = mapListener("dear", new MapListener());
		dear.setWhere(RowCondition.parse("customer_id = 1 and price > 10"));
		VStreamListenerEndpoint all = mapListener("all", new MapListener());
		all.setWhere(RowCondition.parse("customer_id = 1"));
		RuleFilters.TableRule rule = RuleFilters.rule("corder", List.of(dear, all), CORDER_COLUMNS);
		assertThat(rule.sql()).isEqualTo("select * from `corder` where `customer_id` = 1");
		assertThat(rule.checks()).containsOnlyKeys(dear);
		// The same condition: pushed down whole, nothing checked here.
		all.setWhere(RowCondition.parse("price>10 and customer_id=1"));
		rule = RuleFilters.rule("corder", List.of(dear, all), CORDER_COLUMNS);
		assertThat(rule.sql()).isEqualTo("select * from `corder` where `customer_id` = 1 and `price` > 10");
		assertThat(rule.checks()).isEmpty();
		// One listener wants every row: nothing pushed down.
		all.setWhere(null);
		rule = RuleFilters.rule("corder", List.of(dear, all), CORDER_COLUMNS);
		assertThat(rule.sql()).isEqualTo("select * from `corder`");
		assertThat(rule.checks()).containsOnlyKeys(dear);
	}

	@Test
	void aProjectionAlsoCarriesTheColumnsOfTheChecksDoneHere() {
		VStreamListenerEndpoint record = this.fixture.endpoint("record", "commerce", "corder", new RecordListener(),
				"onOrder");
		record.setWhere(RowCondition.parse("sku = 'x'"));
		VStreamListenerEndpoint other = this.fixture.endpoint("other", "commerce", "corder", new RecordListener(),
				"onOrder");
		assertThat(RuleFilters.rule("corder", List.of(record, other), CORDER_COLUMNS).sql())
			.isEqualTo("select `order_id`, `sku`, `price` from `corder`");
	}

	@Test
	void anInKeyrangeOnlySomeListenersOfATableHaveIsRefused() {
		VStreamListenerEndpoint ranged = mapListener("ranged", new MapListener());
		ranged.setWhere(RowCondition.parse("in_keyrange('-80') and price > 1"));
		VStreamListenerEndpoint plain = mapListener("plain", new MapListener());
		plain.setWhere(RowCondition.parse("price > 1"));
		assertThatIllegalStateException().isThrownBy(() -> RuleFilters.checkShareable(List.of(ranged, plain)))
			.withMessageContaining("Listener 'ranged'")
			.withMessageContaining("in_keyrange('-80')");
		plain.setWhere(RowCondition.parse("in_keyrange('-80')"));
		RuleFilters.checkShareable(List.of(ranged, plain));
	}

	@Test
	void eachListenerGetsOnlyTheRowsOfItsOwnCondition() {
		MapListener dearOrders = new MapListener();
		MapListener allOrders = new MapListener();
		VStreamListenerEndpoint dear = mapListener("dear", dearOrders);
		dear.setWhere(RowCondition.parse("price > 10"));
		VStreamListenerEndpoint all = mapListener("all", allOrders);
		all.setWhere(RowCondition.parse("customer_id = 7"));
		this.fixture.start(this.fixture.container(streamSettings(), VStreamErrorHandler.stopStream(), dear, all));
		await().until(() -> this.vtgate.requests().size() == 1);
		assertThat(this.vtgate.requests().get(0).getFilter().getRules(0).getFilter())
			.isEqualTo("select * from `corder`");
		this.vtgate.send(response(begin(), corderFields("commerce", "0"),
				insert("commerce", "0", "corder", row(1, 7, "a", "5.00")),
				insert("commerce", "0", "corder", row(2, 7, "b", "50.00")),
				insert("commerce", "0", "corder", row(3, 8, "c", "60.00")),
				// Out of the condition by this update: its before image matches.
				update("commerce", "0", "corder", row(3, 8, "c", "60.00"), row(3, 8, "c", "6.00")),
				vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-5")), commit()));
		await().untilAsserted(() -> assertThat(allOrders.orderIds).containsExactly(1L, 2L));
		await().untilAsserted(() -> assertThat(dearOrders.orderIds).containsExactly(2L, 3L, 3L));
	}

	@Test
	void aPartialImageOfAProjectedTableFailsClearly() {
		MapListener orders = new MapListener();
		VStreamListenerEndpoint listener = mapListener("orders", orders);
		listener.setColumns(List.of("order_id", "customer_id", "sku", "price"));
		List<Throwable> undecodable = new CopyOnWriteArrayList<>();
		DefaultVStreamContainer container = this.fixture.container(streamSettings(),
				(ex, change, endpoint, retry) -> undecodable.add(ex), listener);
		this.fixture.start(container);
		await().until(() -> this.vtgate.requests().size() == 1);
		Binlogdata.RowChange partial = Binlogdata.RowChange.newBuilder()
			.setBefore(row(1, 7, "a", "5.00"))
			.setAfter(row(1, 7, "a", "6.00"))
			.setDataColumns(Binlogdata.RowChange.Bitmap.newBuilder()
				.setCount(6)
				.setCols(ByteString.copyFrom(new byte[] { 0x2f })))
			.build();
		this.vtgate.send(response(begin(), corderFields("commerce", "0"), rows("commerce", "0", "corder", partial),
				insert("commerce", "0", "corder", row(2, 7, "b", "1.00")),
				vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-5")), commit()));
		await().untilAsserted(() -> assertThat(orders.orderIds).containsExactly(2L));
		assertThat(undecodable).singleElement()
			.satisfies((ex) -> assertThat(ex).hasMessageContaining("partial row image")
				.hasMessageContaining("vstream.auto-project=false"));
	}

	@Test
	void vtgatesRefusalOfAFilterNamesTheListener() {
		VStreamListenerEndpoint listener = mapListener("orders", new MapListener());
		listener.setWhere(RowCondition.parse("nosuch = 1"));
		VStreamListenerEndpoint other = this.fixture.endpoint("customers", "commerce", "customer", new MapListener(),
				"onChange");
		other.setWhere(RowCondition.parse("customer_id = 1"));
		String message = FilterRefusals.message("rpc error: code = FailedPrecondition desc = column `nosuch` "
				+ "not found in table corder (errno 1105)", List.of(listener, other));
		assertThat(message)
			.startsWith("vtgate refused the filter of listener 'orders' (table corder, where `nosuch` = 1)")
			.contains("column `nosuch` not found in table corder")
			.doesNotContain("customers");
		assertThat(FilterRefusals.message("connection refused", List.of(listener))).isNull();
		StreamFailureClassifier classifier = new StreamFailureClassifier("test", (keyspace) -> false,
				(description) -> FilterRefusals.message(description, List.of(listener)));
		assertThat(classifier.permanentFailure(
				Status.UNKNOWN.withDescription("unsupported constraint: nosuch like 'x'").asRuntimeException()))
			.hasMessageContaining("'orders'");
	}

	private VStreamListenerEndpoint mapListener(String id, MapListener bean) {
		return this.fixture.endpoint(id, "commerce", "corder", bean, "onChange");
	}

	private static VStreamSettings settings() {
		return new VStreamSettings("test", "commerce", StartPosition.COPY, TabletType.PRIMARY, Duration.ofSeconds(5),
				true, new FixedBackOff(10, Long.MAX_VALUE), List.of(), List.of(), Map.of(), null, false);
	}

	private static VStreamSettings streamSettings() {
		return new VStreamSettings("test", "commerce", StartPosition.CURRENT, TabletType.PRIMARY, Duration.ofSeconds(5),
				false, new FixedBackOff(10, Long.MAX_VALUE), List.of(), List.of(), Map.of("commerce", List.of("0")),
				null, false);
	}

	static class MapListener {

		final List<Long> orderIds = new CopyOnWriteArrayList<>();

		void onChange(RowChange<Map<String, Object>> change) {
			Map<String, Object> row = (change.after() != null) ? change.after() : change.before();
			this.orderIds.add(((Number) row.get("order_id")).longValue());
		}

	}

	record Order(long orderId, BigDecimal price) {
	}

	static class RecordListener {

		void onOrder(Order order) {
		}

	}

	static class OrderBean {

		private String sku;

		public String getSku() {
			return this.sku;
		}

		public void setSku(String sku) {
			this.sku = sku;
		}

	}

	static class BeanListener {

		void onOrder(OrderBean order) {
		}

	}

}
