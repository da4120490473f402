package dev.vstream.metrics;

import java.lang.reflect.Proxy;
import java.time.Instant;

import binlogdata.Binlogdata.FieldEvent;
import dev.vstream.listener.ChangeEvent;
import dev.vstream.listener.Operation;
import dev.vstream.listener.RowChange;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.mapping.TableSchema;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.test.Order;
import dev.vstream.test.StreamFixture;
import io.vitess.proto.Query;
import io.vitess.proto.Query.Field;
import org.jspecify.annotations.Nullable;

/**
 * Listener calls reported to a monitor directly, without a stream: a container that only
 * has an id, listener endpoints and changes of any keyspace, shard, table and operation.
 */
final class ListenerCalls implements AutoCloseable {

	static final Instant COMMIT_TIME = Instant.parse("2025-06-01T10:15:30.123456Z");

	private final StreamFixture<InMemoryOffsetRepository> fixture = StreamFixture.inMemory();

	/**
	 * @param id the stream id
	 * @return a container that has only an id
	 */
	static VStreamContainer container(String id) {
		return (VStreamContainer) Proxy.newProxyInstance(VStreamContainer.class.getClassLoader(),
				new Class<?>[] { VStreamContainer.class }, (proxy, method, args) -> switch (method.getName()) {
					case "getId", "toString" -> id;
					case "hashCode" -> System.identityHashCode(proxy);
					case "equals" -> proxy == args[0];
					default -> throw new UnsupportedOperationException(method.getName());
				});
	}

	/**
	 * @param id the listener id
	 * @return a listener of {@code corder} rows
	 */
	VStreamListenerEndpoint listener(String id) {
		return this.fixture.endpoint(id, "corder", new Listener(), "on");
	}

	/**
	 * A change; names are copied, as each response has its own strings.
	 * @param keyspace the keyspace
	 * @param shard the shard
	 * @param table the table
	 * @param op the operation
	 * @param commitTime the commit time, {@code null} for a copied row
	 * @return the change
	 */
	static ChangeEvent change(String keyspace, String shard, String table, Operation op, @Nullable Instant commitTime) {
		TableSchema schema = TableSchema.of(FieldEvent.newBuilder()
			.setTableName(new String(table))
			.addFields(Field.newBuilder().setName("order_id").setType(Query.Type.INT64))
			.build());
		Object[] row = { 1L };
		return new ChangeEvent(schema, op, (op != Operation.INSERT) ? row : null, (op != Operation.DELETE) ? row : null,
				new String(keyspace), new String(shard), null, commitTime);
	}

	@Override
	public void close() {
		this.fixture.close();
	}

	static class Listener {

		void on(RowChange<Order> change) {
		}

	}

}
