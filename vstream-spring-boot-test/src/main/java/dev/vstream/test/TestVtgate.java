package dev.vstream.test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import binlogdata.Binlogdata.FieldEvent;
import binlogdata.Binlogdata.RowEvent;
import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VEvent;
import binlogdata.Binlogdata.VEventType;
import binlogdata.Binlogdata.VGtid;
import dev.vstream.test.vtgate.Events;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.vitess.proto.Vtgate.VStreamRequest;
import io.vitess.proto.Vtgate.VStreamResponse;

/**
 * A vtgate for tests, in the test's JVM: a gRPC server on a free loopback port that
 * answers the starter's {@code VStream} calls with the changes a test pushes in plain
 * Java. Tables and their columns are declared with {@link #table}, rows are maps or
 * objects, and {@link #transaction}, {@link #ddl}, {@link #heartbeat}, {@link #fail} and
 * {@link #disconnect} script the rest of what a real vtgate does.
 * <p>
 * Each keyspace has one shard, {@code 0}. Every change is kept: a stream that connects
 * without a position (a first start, whatever {@code vstream.start-position} says)
 * receives every change pushed since this vtgate started (with
 * {@code start-position=copy}, as its copy phase, which then completes), and a stream
 * that reconnects from a position receives the changes after it, as vtgate resends what a
 * stream has not handled. A change pushed while no stream is connected is therefore
 * delivered once one connects. The vtgate answers no schema queries, so the starter's
 * start-up table check ({@code vstream.verify-tables}) is skipped.
 * <p>
 * With {@link AutoConfigureTestVtgate @AutoConfigureTestVtgate} the test context starts
 * one, points the starter at it and offers it as a bean. Used on its own:
 *
 * <pre class="code">
 * try (TestVtgate vtgate = TestVtgate.start()) {
 *     // vstream.vtgate.address=vtgate.address()
 * }
 * </pre>
 */
public final class TestVtgate implements AutoCloseable {

	private static final String SHARD = "0";

	private final ScriptedVtgate server;

	private final Object lock = new Object();

	private final Map<String, TestTable> tables = new ConcurrentHashMap<>();

	/** Every transaction (and DDL) pushed, in order. */
	private final List<Pushed> history = new ArrayList<>();

	/** How many transactions each keyspace's shard has committed. */
	private final Map<String, Long> transactions = new LinkedHashMap<>();

	private final List<Call> calls = new ArrayList<>();

	private TestVtgate() {
		this.server = ScriptedVtgate.onLoopback().otherwise(this::connected);
	}

	/**
	 * Start a test vtgate on a free port of the loopback interface.
	 * @return the vtgate, started; {@link #close()} stops it
	 */
	public static TestVtgate start() {
		return new TestVtgate();
	}

	/**
	 * @return the address to set as {@code vstream.vtgate.address}:
	 * {@code 127.0.0.1:<port>}
	 */
	public String address() {
		return "127.0.0.1:" + this.server.port();
	}

	/**
	 * A table, declared on first use; declare its columns before pushing rows.
	 * @param keyspace the keyspace
	 * @param name the table name
	 * @return the table
	 */
	public TestTable table(String keyspace, String name) {
		return this.tables.computeIfAbsent(keyspace + "." + name.toLowerCase(Locale.ROOT),
				(key) -> new TestTable(this, keyspace, name));
	}

	/**
	 * Commit a transaction: the changes the callback makes reach every connected stream
	 * that covers the keyspace together, in one response, as a real transaction does.
	 * @param changes makes the changes
	 * @return where the transaction was committed
	 */
	public Commit transaction(Consumer<TestTransaction> changes) {
		TestTransaction transaction = new TestTransaction();
		changes.accept(transaction);
		String keyspace = transaction.keyspace();
		if (keyspace == null) {
			throw new IllegalArgumentException("A transaction needs at least one change");
		}
		long now = System.currentTimeMillis() / 1000;
		List<VEvent> events = new ArrayList<>();
		events.add(VEvent.newBuilder().setType(VEventType.BEGIN).setTimestamp(now).build());
		for (TestTable table : transaction.tables()) {
			// Sent with each transaction: a stream (re)connected since knows the columns.
			events.add(
					event(VEventType.FIELD, keyspace, now)
						.setFieldEvent(FieldEvent.newBuilder()
							.setTableName(keyspace + "." + table.name())
							.setKeyspace(keyspace)
							.setShard(SHARD)
							.addAllFields(table.fields()))
						.build());
		}
		for (TestTransaction.Change change : transaction.changes()) {
			events.add(
					event(VEventType.ROW, keyspace, now)
						.setRowEvent(RowEvent.newBuilder()
							.setTableName(keyspace + "." + change.table().name())
							.setKeyspace(keyspace)
							.setShard(SHARD)
							.addRowChanges(change.rowChange()))
						.build());
		}
		return push(keyspace, events,
				List.of(VEvent.newBuilder().setType(VEventType.COMMIT).setTimestamp(now).build()));
	}

	/**
	 * Apply a schema change: {@code @VStreamDdlListener} methods receive the statement.
	 * Redeclare the table's columns ({@link TestTable#columns}) if it changes them.
	 * @param keyspace the keyspace
	 * @param statement the DDL statement, such as
	 * {@code alter table corder add column note varchar(64)}
	 * @return where the schema change was committed
	 */
	public Commit ddl(String keyspace, String statement) {
		long now = System.currentTimeMillis() / 1000;
		return push(keyspace, List.of(), List.of(event(VEventType.DDL, keyspace, now).setStatement(statement).build()));
	}

	/**
	 * Send a heartbeat to every connected stream, as vtgate does while it has nothing to
	 * send: the stream's lag then counts from now.
	 */
	public void heartbeat() {
		VStreamResponse response = Events.response(Events.vtgateHeartbeat());
		synchronized (this.lock) {
			for (Call call : openCalls()) {
				call.observer().onNext(response);
			}
		}
	}

	/**
	 * End every connected stream's call with an error status, as vtgate does when it
	 * fails a stream. A retryable status ({@code UNAVAILABLE}, for one) makes the stream
	 * reconnect and resume from its position; others may fail it, as they would with a
	 * real vtgate.
	 * @param status the status, such as
	 * {@code Status.UNAVAILABLE.withDescription("vttablet restarted")}
	 */
	public void fail(Status status) {
		synchronized (this.lock) {
			this.calls.clear();
			this.server.fail(status);
		}
	}

	/**
	 * Drop every connected stream's call, as a vtgate restart does: the streams reconnect
	 * and resume from their positions.
	 */
	public void disconnect() {
		fail(Status.UNAVAILABLE.withDescription("the test vtgate dropped the connection"));
	}

	/**
	 * @return how many streams are connected now
	 */
	public int connectedStreams() {
		synchronized (this.lock) {
			return openCalls().size();
		}
	}

	/**
	 * @return how many {@code VStream} calls this vtgate has received: a stream's first
	 * connect and each reconnect
	 */
	public int connects() {
		return this.server.requests().size();
	}

	/** Stop the vtgate; connected streams see their calls end. */
	@Override
	public void close() {
		synchronized (this.lock) {
			this.calls.clear();
		}
		this.server.close();
	}

	@Override
	public String toString() {
		return "TestVtgate[" + address() + "]";
	}

	private Commit push(String keyspace, List<VEvent> head, List<VEvent> tail) {
		synchronized (this.lock) {
			long transaction = this.transactions.merge(keyspace, 1L, Long::sum);
			Pushed pushed = new Pushed(keyspace, transaction, head, tail);
			this.history.add(pushed);
			for (Call call : openCalls()) {
				call.send(pushed);
			}
			return new Commit(keyspace, SHARD, Commit.gtid(transaction));
		}
	}

	/**
	 * A stream connected: resume it from its request's position.
	 */
	private void connected(VStreamRequest request, ServerCallStreamObserver<VStreamResponse> observer) {
		synchronized (this.lock) {
			Map<String, Long> positions = new LinkedHashMap<>();
			for (ShardGtid shardGtid : request.getVgtid().getShardGtidsList()) {
				// Without a position of this vtgate ("current", "" for a copy, or another
				// server's): from the start of this vtgate's history.
				positions.put(shardGtid.getKeyspace(), Math.max(0, Commit.transactions(shardGtid.getGtid())));
			}
			Call call = new Call(observer, positions);
			this.calls.add(call);
			for (Pushed pushed : this.history) {
				Long position = positions.get(pushed.keyspace());
				if (position != null && pushed.transaction() > position) {
					call.send(pushed);
				}
			}
			// A stream that starts with a copy (start-position copy) copies what
			// happened so far: the history just sent.
			if (request.getVgtid()
				.getShardGtidsList()
				.stream()
				.anyMatch((shardGtid) -> shardGtid.getGtid().isEmpty() || shardGtid.getTablePKsCount() > 0)) {
				call.copyCompleted();
			}
		}
	}

	private List<Call> openCalls() {
		this.calls.removeIf((call) -> call.observer().isCancelled());
		return this.calls;
	}

	private static VEvent.Builder event(VEventType type, String keyspace, long timestamp) {
		return VEvent.newBuilder().setType(type).setKeyspace(keyspace).setShard(SHARD).setTimestamp(timestamp);
	}

	/**
	 * A transaction or DDL: its events before the VGTID, and after it.
	 */
	private record Pushed(String keyspace, long transaction, List<VEvent> head, List<VEvent> tail) {
	}

	/**
	 * An open {@code VStream} call and the position of each keyspace it streams.
	 */
	private record Call(ServerCallStreamObserver<VStreamResponse> observer, Map<String, Long> positions) {

		void send(Pushed pushed) {
			if (!this.positions.containsKey(pushed.keyspace())) {
				return;
			}
			this.positions.put(pushed.keyspace(), pushed.transaction());
			VStreamResponse.Builder response = VStreamResponse.newBuilder().addAllEvents(pushed.head());
			response.addEvents(Events.vgtidEvent(vgtid()));
			response.addAllEvents(pushed.tail());
			this.observer.onNext(response.build());
		}

		/**
		 * End the copy phase: each shard's, then the stream's.
		 */
		void copyCompleted() {
			VStreamResponse.Builder response = VStreamResponse.newBuilder().addEvents(Events.vgtidEvent(vgtid()));
			this.positions.keySet()
				.forEach((keyspace) -> response.addEvents(Events.shardCopyCompleted(keyspace, SHARD)));
			response.addEvents(Events.copyCompleted());
			this.observer.onNext(response.build());
		}

		private VGtid vgtid() {
			VGtid.Builder vgtid = VGtid.newBuilder();
			this.positions.forEach((keyspace, transaction) -> vgtid.addShardGtids(
					ShardGtid.newBuilder().setKeyspace(keyspace).setShard(SHARD).setGtid(Commit.gtid(transaction))));
			return vgtid.build();
		}

	}

}
