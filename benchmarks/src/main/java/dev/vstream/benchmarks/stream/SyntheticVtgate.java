package dev.vstream.benchmarks.stream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import binlogdata.Binlogdata.ShardGtid;
import com.google.protobuf.ByteString;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.vitess.proto.Query;
import io.vitess.proto.Vtgate.ExecuteRequest;
import io.vitess.proto.Vtgate.ExecuteResponse;
import io.vitess.proto.Vtgate.VStreamRequest;
import io.vitess.proto.grpc.VitessGrpc;

/**
 * A vtgate stand-in on loopback (grpc-java over Netty, the real transport) that serves
 * {@code Vitess/VStream} from pre-built responses as fast as the client takes them,
 * honouring gRPC flow control (it writes only while the call is ready, so it never
 * buffers more than the transport's window), and answers the few {@code Execute} queries
 * clients ask before streaming ({@code SHOW VITESS_SHARDS}, {@code SHOW TABLES},
 * {@code SHOW DATABASES}).
 *
 * <p>
 * A stream from {@code "current"} (or any GTID) gets the configured number of rows in
 * live transactions; a stream from an empty GTID gets them as a copy phase followed by
 * {@code COPY_COMPLETED}. After the last row the call stays open and idle, like a quiet
 * vtgate.
 *
 * <p>
 * With {@link #configureShards several shards} a request for the keyspace (no shard
 * named) gets the rows of all shards in one stream, and a request naming one shard (as
 * each stream of the shard-distributed mode sends) gets that shard's part of the rows;
 * such per-shard streams start only once all shards are asked for, so that a measurement
 * does not begin while the consumer is still taking its shards.
 */
public final class SyntheticVtgate implements AutoCloseable {

	private final Server server;

	private volatile SyntheticStream stream = new SyntheticStream(1, false);

	private volatile SyntheticStream copyStream;

	private volatile long rows;

	/** Per shard when several are configured: its own stream, for requests naming it. */
	private volatile Map<String, SyntheticStream> shardStreams = Map.of();

	/** Single-shard streams waiting for the others to be asked for. */
	private final List<Runnable> waiting = new ArrayList<>();

	/** Whether every shard was asked for since the last configuration. */
	private volatile boolean shardsReleased;

	/**
	 * The keyspace's stream with some columns only, by the columns a request's rule
	 * selects (the starter's projection of a narrow row type), built on first request.
	 */
	private final Map<String, SyntheticStream> projected = new ConcurrentHashMap<>();

	private final AtomicLong rowsSent = new AtomicLong();

	private final AtomicLong streams = new AtomicLong();

	/**
	 * Start the server on 127.0.0.1.
	 * @param port the port, 0 for any free one
	 * @throws IOException if it cannot listen
	 */
	public SyntheticVtgate(int port) throws IOException {
		// directExecutor: the drain loop runs on the Netty event loop, with no hand-off
		// per message.
		this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
			.directExecutor()
			.addService(new Service().definition())
			.build()
			.start();
	}

	/**
	 * @return the port it listens on
	 */
	public int port() {
		return this.server.getPort();
	}

	/**
	 * What the next streams serve.
	 * @param stream the responses
	 * @param rows how many rows each stream offers before going idle
	 */
	public void configure(SyntheticStream stream, long rows) {
		this.stream = stream;
		this.copyStream = new SyntheticStream(stream.transactionSize(), true);
		this.rows = rows;
		this.shardStreams = Map.of();
		this.projected.clear();
	}

	/**
	 * Serve {@code shards} shards: the keyspace's stream takes its transactions from each
	 * shard in turn; a stream of one shard gets {@code rows / shards} of them. No copy
	 * phase is modelled here (a copy request gets the live transactions).
	 * @param shards how many shards (named as {@link SyntheticStream#shardNames(int)})
	 * @param transactionSize rows per transaction
	 * @param rows rows of the keyspace's stream
	 */
	public void configureShards(int shards, int transactionSize, long rows) {
		List<String> names = SyntheticStream.shardNames(shards);
		Map<String, SyntheticStream> perShard = new LinkedHashMap<>();
		if (shards > 1) {
			for (String shard : names) {
				// A cycle as long as the keyspace's in all: the same bytes to hold.
				perShard.put(shard, new SyntheticStream(transactionSize, false, List.of(shard),
						Math.max(transactionSize, SyntheticStream.CYCLE_ROWS / shards)));
			}
		}
		this.stream = new SyntheticStream(transactionSize, false, names, SyntheticStream.CYCLE_ROWS);
		this.copyStream = this.stream;
		this.rows = rows;
		this.shardStreams = perShard;
		synchronized (this.waiting) {
			this.waiting.clear();
			this.shardsReleased = false;
		}
	}

	/**
	 * @return rows written to the transport so far, over all streams
	 */
	public long rowsSent() {
		return this.rowsSent.get();
	}

	/**
	 * @return VStream calls served so far
	 */
	public long streams() {
		return this.streams.get();
	}

	@Override
	public void close() throws InterruptedException {
		this.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
	}

	/**
	 * {@code Vitess/VStream} and {@code Vitess/Execute}; VStream's responses go out as
	 * the pre-serialized bytes, which on the wire are exactly the protobuf messages.
	 */
	private final class Service {

		ServerServiceDefinition definition() {
			MethodDescriptor<VStreamRequest, byte[]> vstream = VitessGrpc.getVStreamMethod()
				.toBuilder(VitessGrpc.getVStreamMethod().getRequestMarshaller(), new RawMarshaller())
				.build();
			return ServerServiceDefinition.builder(VitessGrpc.SERVICE_NAME)
				.addMethod(vstream, ServerCalls.asyncServerStreamingCall(this::vStream))
				.addMethod(VitessGrpc.getExecuteMethod(), ServerCalls.asyncUnaryCall(this::execute))
				.build();
		}

		void vStream(VStreamRequest request, StreamObserver<byte[]> responseObserver) {
			ServerCallStreamObserver<byte[]> observer = (ServerCallStreamObserver<byte[]>) responseObserver;
			List<ShardGtid> shards = request.getVgtid().getShardGtidsList();
			boolean copy = !shards.isEmpty() && shards.get(0).getGtid().isEmpty();
			SyntheticStream source = copy ? SyntheticVtgate.this.copyStream : SyntheticVtgate.this.stream;
			long streamRows = SyntheticVtgate.this.rows;
			Map<String, SyntheticStream> perShard = SyntheticVtgate.this.shardStreams;
			String named = shards.isEmpty() ? "" : shards.get(0).getShard();
			SyntheticStream single = perShard.get(named);
			if (single != null) {
				source = single;
				streamRows = streamRows / perShard.size();
			}
			if (single == null && request.getFilter().getRulesCount() == 1) {
				int[] columns = SyntheticStream.columnsOf(request.getFilter().getRules(0).getFilter());
				if (columns != null) {
					SyntheticStream all = source;
					source = SyntheticVtgate.this.projected.computeIfAbsent(copy + Arrays.toString(columns),
							(key) -> new SyntheticStream(all.transactionSize(), copy, all.shards(),
									SyntheticStream.CYCLE_ROWS, columns));
				}
			}
			int size = source.transactionSize();
			long transactions = (streamRows + size - 1) / size;
			SyntheticVtgate.this.streams.incrementAndGet();
			SyntheticStream responses = source;
			Runnable drain = new Runnable() {

				private long next;

				private boolean done;

				@Override
				public synchronized void run() {
					if (single != null && !SyntheticVtgate.this.shardsReleased) {
						return;
					}
					// Called again by gRPC whenever the transport can take more.
					while (!this.done && observer.isReady() && !observer.isCancelled()) {
						if (this.next < transactions) {
							observer.onNext(responses.responseBytes(this.next++));
							SyntheticVtgate.this.rowsSent.addAndGet(size);
						}
						else {
							if (copy) {
								observer.onNext(responses.copyCompleted().toByteArray());
							}
							this.done = true;
						}
					}
				}

			};
			observer.setOnCancelHandler(() -> {
			});
			observer.setOnReadyHandler(drain);
			if (single == null) {
				drain.run();
				return;
			}
			// One shard of several: hold it until every shard is asked for.
			List<Runnable> start;
			synchronized (SyntheticVtgate.this.waiting) {
				SyntheticVtgate.this.waiting.add(drain);
				if (!SyntheticVtgate.this.shardsReleased && SyntheticVtgate.this.waiting.size() < perShard.size()) {
					return;
				}
				// Later calls (a reconnect) start at once.
				SyntheticVtgate.this.shardsReleased = true;
				start = new ArrayList<>(SyntheticVtgate.this.waiting);
				SyntheticVtgate.this.waiting.clear();
			}
			// On this call's thread: each drain is synchronized, so no call is written to
			// by two threads at once.
			start.forEach(Runnable::run);
		}

		void execute(ExecuteRequest request, StreamObserver<ExecuteResponse> responseObserver) {
			String sql = request.getQuery().getSql().toLowerCase(Locale.ROOT);
			List<String> values;
			if (sql.contains("show vitess_shards")) {
				values = SyntheticVtgate.this.stream.shards()
					.stream()
					.map((shard) -> SyntheticStream.KEYSPACE + "/" + shard)
					.toList();
			}
			else if (sql.contains("show tables")) {
				values = List.of(SyntheticStream.TABLE);
			}
			else if (sql.contains("show columns from")) {
				values = SyntheticStream.fields().stream().map(Query.Field::getName).toList();
			}
			else if (sql.contains("show databases")) {
				values = List.of(SyntheticStream.KEYSPACE);
			}
			else {
				values = List.of();
			}
			Query.QueryResult.Builder result = Query.QueryResult.newBuilder()
				.addFields(Query.Field.newBuilder().setName("value").setType(Query.Type.VARCHAR));
			for (String value : values) {
				result.addRows(Query.Row.newBuilder()
					.addLengths(value.getBytes(StandardCharsets.UTF_8).length)
					.setValues(ByteString.copyFromUtf8(value)));
			}
			responseObserver.onNext(ExecuteResponse.newBuilder().setResult(result).build());
			responseObserver.onCompleted();
		}

	}

	/**
	 * Hands pre-serialized messages to the transport without copying them into a buffer
	 * first.
	 */
	private static final class RawMarshaller implements MethodDescriptor.Marshaller<byte[]> {

		@Override
		public InputStream stream(byte[] value) {
			return new RawStream(value);
		}

		@Override
		public byte[] parse(InputStream stream) {
			throw new UnsupportedOperationException("the server only sends");
		}

	}

	/** Known length and drainable: gRPC writes the bytes straight to its frame. */
	private static final class RawStream extends ByteArrayInputStream implements KnownLength, Drainable {

		RawStream(byte[] bytes) {
			super(bytes);
		}

		@Override
		public int drainTo(OutputStream target) throws IOException {
			int n = this.count - this.pos;
			target.write(this.buf, this.pos, n);
			this.pos = this.count;
			return n;
		}

	}

}
