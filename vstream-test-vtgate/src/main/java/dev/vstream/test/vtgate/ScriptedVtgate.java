package dev.vstream.test.vtgate;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.vitess.proto.Vtgate;
import io.vitess.proto.Vtgate.VStreamRequest;
import io.vitess.proto.Vtgate.VStreamResponse;
import io.vitess.proto.grpc.VitessGrpc;

/**
 * An in-process vtgate for tests: each {@code VStream} call is answered by the next
 * scripted session, and every request is recorded. A call without a script left stays
 * open until the client cancels it, like an idle vtgate.
 */
public final class ScriptedVtgate extends VitessGrpc.VitessImplBase implements AutoCloseable {

	private final String name = "vtgate-" + UUID.randomUUID();

	private final Server server;

	private final ManagedChannel channel;

	private final Queue<Consumer<StreamObserver<VStreamResponse>>> sessions = new ConcurrentLinkedQueue<>();

	private final List<VStreamRequest> requests = new CopyOnWriteArrayList<>();

	private final List<ServerCallStreamObserver<VStreamResponse>> open = new CopyOnWriteArrayList<>();

	private final Map<ServerCallStreamObserver<VStreamResponse>, VStreamRequest> openRequests = new ConcurrentHashMap<>();

	private final ScriptedQueries queries = new ScriptedQueries();

	private volatile BiConsumer<VStreamRequest, ServerCallStreamObserver<VStreamResponse>> unscripted = (request,
			observer) -> {
	};

	/**
	 * An in-process vtgate, reached through {@link #channel()} only.
	 */
	public ScriptedVtgate() {
		this(0);
	}

	/**
	 * @param maxInboundMessageSize the largest response the channel accepts, {@code 0}
	 * for gRPC's default (and an in-process vtgate)
	 */
	public ScriptedVtgate(int maxInboundMessageSize) {
		this(maxInboundMessageSize > 0, maxInboundMessageSize);
	}

	private ScriptedVtgate(boolean loopback, int maxInboundMessageSize) {
		try {
			if (loopback) {
				// The in-process transport passes messages without serializing them, so
				// it cannot enforce a size limit: a loopback socket does, as in
				// production.
				// Keepalive pings as often as a client may send them (vtgate's
				// enforcement
				// is configurable; gRPC's default would end a call after two of the
				// starter's 30-second pings).
				this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
					.permitKeepAliveTime(1, TimeUnit.SECONDS)
					.permitKeepAliveWithoutCalls(true)
					.addService(this)
					.build()
					.start();
				ManagedChannelBuilder<?> channel = Grpc.newChannelBuilderForAddress("127.0.0.1", this.server.getPort(),
						InsecureChannelCredentials.create());
				if (maxInboundMessageSize > 0) {
					channel.maxInboundMessageSize(maxInboundMessageSize);
				}
				this.channel = channel.build();
			}
			else {
				this.server = InProcessServerBuilder.forName(this.name).addService(this).build().start();
				this.channel = InProcessChannelBuilder.forName(this.name).build();
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A vtgate on a free port of the loopback interface
	 * ({@code 127.0.0.1:}{@link #port()}), for clients that build their own channel from
	 * an address.
	 * @return the vtgate, started
	 */
	public static ScriptedVtgate onLoopback() {
		return new ScriptedVtgate(true, 0);
	}

	/**
	 * @return the port this vtgate listens on, {@code -1} for an in-process vtgate
	 */
	public int port() {
		return this.server.getPort();
	}

	/**
	 * Answer every call that finds no script left with a handler, instead of leaving it
	 * open and silent. The call is open (and recorded) when the handler runs; the handler
	 * may keep it and send on it later.
	 * @param handler called with the request and the call
	 * @return this
	 */
	public ScriptedVtgate otherwise(BiConsumer<VStreamRequest, ServerCallStreamObserver<VStreamResponse>> handler) {
		this.unscripted = handler;
		return this;
	}

	/**
	 * @return a channel to this vtgate
	 */
	public ManagedChannel channel() {
		return this.channel;
	}

	/**
	 * Script the next call: send these responses, then keep the call open.
	 * @param responses the responses
	 * @return this
	 */
	public ScriptedVtgate thenSend(VStreamResponse... responses) {
		this.sessions.add((observer) -> {
			for (VStreamResponse response : responses) {
				observer.onNext(response);
			}
		});
		return this;
	}

	/**
	 * Script the next call: send these responses, then fail with a status.
	 * @param status the status
	 * @param responses the responses sent before the failure
	 * @return this
	 */
	public ScriptedVtgate thenFail(Status status, VStreamResponse... responses) {
		this.sessions.add((observer) -> {
			for (VStreamResponse response : responses) {
				observer.onNext(response);
			}
			observer.onError(status.asRuntimeException());
		});
		return this;
	}

	/**
	 * Script the next call: send these responses, then end the call normally.
	 * @param responses the responses
	 * @return this
	 */
	public ScriptedVtgate thenComplete(VStreamResponse... responses) {
		this.sessions.add((observer) -> {
			for (VStreamResponse response : responses) {
				observer.onNext(response);
			}
			observer.onCompleted();
		});
		return this;
	}

	/**
	 * Send responses on every call that is open now (scripted ones included), as vtgate
	 * does when new changes are committed.
	 * @param responses the responses
	 */
	public void send(VStreamResponse... responses) {
		for (ServerCallStreamObserver<VStreamResponse> observer : this.open) {
			for (VStreamResponse response : responses) {
				observer.onNext(response);
			}
		}
	}

	/**
	 * Fail every call that is open now, as a vtgate restart does.
	 * @param status the status
	 */
	public void fail(Status status) {
		for (ServerCallStreamObserver<VStreamResponse> observer : this.open) {
			this.open.remove(observer);
			observer.onError(status.asRuntimeException());
		}
	}

	/**
	 * Answer {@code SHOW TABLES} for a keyspace, as vtgate's Execute does.
	 * @param keyspace the keyspace
	 * @param tables its tables
	 * @return this
	 */
	public ScriptedVtgate withTables(String keyspace, String... tables) {
		this.queries.tables.put(keyspace, List.of(tables));
		return this;
	}

	/**
	 * Answer {@code SHOW TABLES} for a keyspace with vtgate's error for a keyspace its
	 * VSchema does not have.
	 * @param keyspace the keyspace
	 * @return this
	 */
	public ScriptedVtgate withUnknownKeyspace(String keyspace) {
		this.queries.unknownKeyspaces.add(keyspace);
		return this;
	}

	/**
	 * Answer {@code SHOW VITESS_SHARDS} with these shards of a keyspace (replacing
	 * earlier ones), as vtgate's Execute does.
	 * @param keyspace the keyspace
	 * @param keyspaceShards its serving shards
	 * @return this
	 */
	public ScriptedVtgate withShards(String keyspace, String... keyspaceShards) {
		this.queries.shards.put(keyspace, List.of(keyspaceShards));
		return this;
	}

	/**
	 * Answer {@code SHOW VITESS_TABLETS} with a primary tablet, not serving, for each of
	 * these shards of a keyspace (replacing earlier ones), as vtgate's Execute does for
	 * the target shards of a reshard before traffic switches to them. Without it, the
	 * statement is not implemented.
	 * @param keyspace the keyspace
	 * @param keyspaceShards the shards with tablets
	 * @return this
	 */
	public ScriptedVtgate withTablets(String keyspace, String... keyspaceShards) {
		this.queries.tabletShards.put(keyspace, List.of(keyspaceShards));
		return this;
	}

	/**
	 * Answer {@code select @@global.gtid_binlog_pos} (and {@code gtid_executed}) on a
	 * shard's primary ({@code keyspace:shard@primary}) with this value, as vtgate's
	 * Execute does; the value may be replaced while streaming, as writes move the shard
	 * on.
	 * @param keyspace the keyspace
	 * @param shard the shard
	 * @param gtidSet the server's GTID set, without vtgate's flavor prefix
	 * ({@code 0-1-42})
	 * @return this
	 */
	public ScriptedVtgate withShardPosition(String keyspace, String shard, String gtidSet) {
		this.queries.shardPositions.put(keyspace + ":" + shard + "@primary", gtidSet);
		return this;
	}

	/**
	 * Answer the row estimate of a table ({@code select table_rows from
	 * information_schema.tables where table_schema = database() and table_name = ...}) on
	 * a shard ({@code keyspace:shard}, any tablet type) with this estimate, as a shard's
	 * MySQL does through vtgate.
	 * @param keyspace the keyspace
	 * @param shard the shard
	 * @param table the table
	 * @param rows the estimated row count
	 * @return this
	 */
	public ScriptedVtgate withTableRows(String keyspace, String shard, String table, long rows) {
		this.queries.tableRows.put(keyspace + ":" + shard + "/" + table, rows);
		return this;
	}

	/**
	 * Send responses on every open call that streams a shard (its request names that
	 * shard).
	 * @param keyspace the keyspace
	 * @param shard the shard
	 * @param responses the responses
	 * @return how many calls they were sent to
	 */
	public int sendTo(String keyspace, String shard, VStreamResponse... responses) {
		int calls = 0;
		for (ServerCallStreamObserver<VStreamResponse> observer : this.open) {
			VStreamRequest request = this.openRequests.get(observer);
			if (request != null && streams(request, keyspace, shard)) {
				for (VStreamResponse response : responses) {
					observer.onNext(response);
				}
				calls++;
			}
		}
		return calls;
	}

	/**
	 * How many open calls stream a shard now.
	 * @param keyspace the keyspace
	 * @param shard the shard
	 * @return the number of open calls whose request names that shard
	 */
	public int openCallsFor(String keyspace, String shard) {
		int calls = 0;
		for (ServerCallStreamObserver<VStreamResponse> observer : this.open) {
			VStreamRequest request = this.openRequests.get(observer);
			if (request != null && !observer.isCancelled() && streams(request, keyspace, shard)) {
				calls++;
			}
		}
		return calls;
	}

	private static boolean streams(VStreamRequest request, String keyspace, String shard) {
		return request.getVgtid()
			.getShardGtidsList()
			.stream()
			.anyMatch((sg) -> sg.getKeyspace().equals(keyspace) && sg.getShard().equals(shard));
	}

	@Override
	public void execute(Vtgate.ExecuteRequest request, StreamObserver<Vtgate.ExecuteResponse> responseObserver) {
		Vtgate.ExecuteResponse response = this.queries.answer(request);
		if (response == null) {
			super.execute(request, responseObserver);
			return;
		}
		responseObserver.onNext(response);
		responseObserver.onCompleted();
	}

	/**
	 * @return every request received, in order
	 */
	public List<VStreamRequest> requests() {
		return new ArrayList<>(this.requests);
	}

	@Override
	public void vStream(VStreamRequest request, StreamObserver<VStreamResponse> responseObserver) {
		this.requests.add(request);
		ServerCallStreamObserver<VStreamResponse> observer = (ServerCallStreamObserver<VStreamResponse>) responseObserver;
		this.open.add(observer);
		this.openRequests.put(observer, request);
		observer.setOnCancelHandler(() -> {
			this.open.remove(observer);
			this.openRequests.remove(observer);
		});
		Consumer<StreamObserver<VStreamResponse>> session = this.sessions.poll();
		if (session != null) {
			session.accept(observer);
		}
		else {
			this.unscripted.accept(request, observer);
		}
	}

	@Override
	public void close() {
		this.channel.shutdownNow();
		this.server.shutdownNow();
	}

}
