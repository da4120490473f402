package dev.vstream.stream;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import binlogdata.Binlogdata.RowChange.Bitmap;
import binlogdata.Binlogdata.VGtid;
import com.google.protobuf.ByteString;
import dev.vstream.listener.DdlEvent;
import dev.vstream.listener.DdlListenerEndpoint;
import dev.vstream.listener.ListenerMethodAdapter;
import dev.vstream.listener.RowChange;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.mapping.RowMapperFactory;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.vitess.proto.Query.Type;
import io.vitess.proto.Topodata.TabletType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.backoff.FixedBackOff;

import static dev.vstream.test.vtgate.Events.begin;
import static dev.vstream.test.vtgate.Events.col;
import static dev.vstream.test.vtgate.Events.commit;
import static dev.vstream.test.vtgate.Events.ddl;
import static dev.vstream.test.vtgate.Events.field;
import static dev.vstream.test.vtgate.Events.insert;
import static dev.vstream.test.vtgate.Events.response;
import static dev.vstream.test.vtgate.Events.row;
import static dev.vstream.test.vtgate.Events.rows;
import static dev.vstream.test.vtgate.Events.vgtid;
import static dev.vstream.test.vtgate.Events.vgtidEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(OutputCaptureExtension.class)
class SchemaChangeAndPartialImageTests {

	private final ScriptedVtgate vtgate = new ScriptedVtgate();

	private final InMemoryOffsetRepository offsets = new InMemoryOffsetRepository();

	private final RowMapperFactory mappers = new RowMapperFactory(new DefaultConversionService());

	private final List<VStreamContainer> containers = new ArrayList<>();

	private final List<DdlEvent> ddl = new CopyOnWriteArrayList<>();

	@AfterEach
	void close() {
		this.containers.forEach(VStreamContainer::stop);
		this.vtgate.close();
	}

	public record Item(long id, String tag, String note) {
	}

	public static class Listener {

		final List<RowChange<Item>> items = new CopyOnWriteArrayList<>();

		final List<RowChange<Map<String, Object>>> maps = new CopyOnWriteArrayList<>();

		public void item(RowChange<Item> change) {
			this.items.add(change);
		}

		public void map(RowChange<Map<String, Object>> change) {
			this.maps.add(change);
		}

	}

	@Test
	void aDdlReachesItsListenerAndLaterRowsMapWithTheNewColumns() {
		VGtid first = vgtid("commerce", "0", "MariaDB/0-1-1");
		VGtid atDdl = vgtid("commerce", "0", "MariaDB/0-1-2");
		VGtid last = vgtid("commerce", "0", "MariaDB/0-1-3");
		this.vtgate.thenSend(
				response(begin(), field("commerce", "0", "item", col("id", Type.INT64), col("tag", Type.VARCHAR)),
						insert("commerce", "0", "item", row(1, "a")), vgtidEvent(first), commit()),
				response(vgtidEvent(atDdl), ddl("alter table item add column note varchar(32)")),
				response(begin(),
						field("commerce", "0", "item", col("id", Type.INT64), col("tag", Type.VARCHAR),
								col("note", Type.VARCHAR)),
						insert("commerce", "0", "item", row(2, "b", "hello")), vgtidEvent(last), commit()));
		Listener listener = new Listener();
		DefaultVStreamContainer container = start(VStreamErrorHandler.stopStream(), listener);

		await().untilAsserted(() -> assertThat(listener.items).hasSize(2));
		assertThat(listener.items).extracting(RowChange::after)
			.containsExactly(new Item(1, "a", null), new Item(2, "b", "hello"));
		assertThat(listener.maps.get(1).after()).containsOnlyKeys("id", "tag", "note");
		assertThat(this.ddl).singleElement().satisfies((event) -> {
			assertThat(event.statement()).isEqualTo("alter table item add column note varchar(32)");
			assertThat(event.keyspace()).isEqualTo("commerce");
			assertThat(event.shard()).isEqualTo("0");
			assertThat(event.position()).isEqualTo(StreamPosition.of(atDdl));
		});
		await().untilAsserted(() -> assertThat(this.offsets.load("test")).contains(StreamPosition.of(last)));
		assertThat(container.isRunning()).isTrue();
		assertThat(container.getState()).isNotEqualTo(StreamState.FAILED);
	}

	@Test
	void aFailingDdlListenerStopsTheStreamBeforeTheDdl() {
		VGtid first = vgtid("commerce", "0", "MariaDB/0-1-1");
		this.vtgate.thenSend(
				response(begin(), field("commerce", "0", "item", col("id", Type.INT64), col("tag", Type.VARCHAR)),
						insert("commerce", "0", "item", row(1, "a")), vgtidEvent(first), commit()),
				response(vgtidEvent(vgtid("commerce", "0", "MariaDB/0-1-2")), ddl("drop table item")));
		DefaultVStreamContainer container = start(VStreamErrorHandler.stopStream(), new Listener(), (event) -> {
			throw new IllegalStateException("cannot follow " + event.statement());
		});
		await().until(() -> container.getState() == StreamState.FAILED);
		assertThat(container.getLastError()).hasMessageContaining("cannot follow drop table item");
		assertThat(container.getPosition()).isEqualTo(StreamPosition.of(first));
	}

	@Test
	void aDdlDroppingAListenedTableIsAWarningAndTheStreamGoesOn(CapturedOutput output) {
		this.vtgate.thenSend(
				response(vgtidEvent(vgtid("commerce", "0", "MariaDB/0-1-1")),
						ddl("alter table item add column note varchar(32)")),
				response(vgtidEvent(vgtid("commerce", "0", "MariaDB/0-1-2")),
						ddl("DROP TABLE `item` /* generated by server */")),
				response(vgtidEvent(vgtid("commerce", "0", "MariaDB/0-1-3")), ddl("drop table unlistened")));
		DefaultVStreamContainer container = start(VStreamErrorHandler.stopStream(), new Listener());
		await().untilAsserted(() -> assertThat(this.ddl).hasSize(3));
		await().untilAsserted(() -> assertThat(output).contains("WARN"));
		assertThat(output.toString().split("was dropped on shard", -1)).as("one warning").hasSize(2);
		assertThat(output).contains("table 'item' of keyspace 'commerce', which listeners [item, map] listen to, "
				+ "was dropped on shard 0");
		assertThat(container.isRunning()).isTrue();
		assertThat(container.getState()).isNotEqualTo(StreamState.FAILED);
	}

	@Test
	void aPartialImageAndAPartialJsonUpdateTellWhichColumnsArePresent() {
		binlogdata.Binlogdata.RowChange minimal = binlogdata.Binlogdata.RowChange.newBuilder()
			.setBefore(row(1, null, null))
			.setAfter(row(1, "b", null))
			// id and tag present, note left out (binlog_row_image=MINIMAL)
			.setDataColumns(Bitmap.newBuilder().setCount(3).setCols(ByteString.copyFrom(new byte[] { 0b011 })))
			.build();
		binlogdata.Binlogdata.RowChange partialJson = binlogdata.Binlogdata.RowChange.newBuilder()
			.setBefore(row(1, "b", "{\"a\": 1}"))
			.setAfter(row(1, "b", "JSON_INSERT(%s, _utf8mb4'$.b', CAST(JSON_QUOTE(_utf8mb4'x') as JSON))"))
			.setDataColumns(Bitmap.newBuilder().setCount(3).setCols(ByteString.copyFrom(new byte[] { 0b111 })))
			// one bit per JSON column
			.setJsonPartialValues(Bitmap.newBuilder().setCount(1).setCols(ByteString.copyFrom(new byte[] { 1 })))
			.build();
		this.vtgate
			.thenSend(response(begin(),
					field("commerce", "0", "item", col("id", Type.INT64), col("tag", Type.VARCHAR),
							col("note", Type.JSON)),
					rows("commerce", "0", "item", minimal, partialJson),
					vgtidEvent(vgtid("commerce", "0", "MariaDB/0-1-1")), commit()));
		Listener listener = new Listener();
		start(VStreamErrorHandler.stopStream(), listener);

		await().untilAsserted(() -> assertThat(listener.maps).hasSize(2));
		RowChange<Map<String, Object>> first = listener.maps.get(0);
		assertThat(first.isPartial()).isTrue();
		assertThat(first.absentColumns()).containsExactly("note");
		assertThat(first.isPresent("tag")).isTrue();
		assertThat(first.isPresent("note")).isFalse();
		assertThat(first.after()).containsOnlyKeys("id", "tag");
		assertThat(listener.items.get(0).after()).isEqualTo(new Item(1, "b", null));
		RowChange<Map<String, Object>> second = listener.maps.get(1);
		assertThat(second.absentColumns()).containsExactly("note");
		assertThat(second.partialJson()).containsOnlyKeys("note");
		assertThat(second.partialJson().get("note")).startsWith("JSON_INSERT(%s, ");
		assertThat(second.after()).containsOnlyKeys("id", "tag");
		assertThat(second.before()).containsEntry("note", "{\"a\": 1}");
		assertThat(listener.items.get(1).after().note()).isNull();
	}

	private DefaultVStreamContainer start(VStreamErrorHandler errorHandler, Listener listener) {
		return start(errorHandler, listener, this.ddl::add);
	}

	private DefaultVStreamContainer start(VStreamErrorHandler errorHandler, Listener listener,
			Consumer<DdlEvent> ddlListener) {
		List<VStreamListenerEndpoint> endpoints = List.of(endpoint("item", listener, "item"),
				endpoint("map", listener, "map"));
		VStreamSettings settings = new VStreamSettings("test", "commerce", StartPosition.COPY, TabletType.PRIMARY,
				Duration.ofSeconds(5), false, new FixedBackOff(10, Long.MAX_VALUE), List.of());
		DefaultVStreamContainer container = StreamFixture.newContainer(settings, this.vtgate.channel(), this.offsets,
				() -> endpoints, errorHandler);
		container.setDdlListeners(() -> List.of(new DdlListenerEndpoint("ddl", "", ddlListener),
				new DdlListenerEndpoint("other", "customer", (event) -> {
					throw new AssertionError("DDL of commerce delivered to a listener of customer");
				})));
		this.containers.add(container);
		container.start();
		return container;
	}

	private VStreamListenerEndpoint endpoint(String id, Listener bean, String method) {
		Method target = ReflectionUtils.findMethod(Listener.class, method, RowChange.class);
		return new VStreamListenerEndpoint(id, "", "item", Set.of(), true,
				new ListenerMethodAdapter(bean, target, this.mappers));
	}

}
