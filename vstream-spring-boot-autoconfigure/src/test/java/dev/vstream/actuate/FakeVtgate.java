package dev.vstream.actuate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.TableLastPK;
import binlogdata.Binlogdata.VEvent;
import binlogdata.Binlogdata.VEventType;
import binlogdata.Binlogdata.VGtid;
import dev.vstream.listener.ListenerMethodAdapter;
import dev.vstream.listener.Operation;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.mapping.RowMapperFactory;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.stream.StartPosition;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamSettings;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.vitess.proto.Topodata.TabletType;
import io.vitess.proto.Vtgate.VStreamRequest;
import io.vitess.proto.Vtgate.VStreamResponse;
import io.vitess.proto.grpc.VitessGrpc;

import org.springframework.util.ReflectionUtils;
import org.springframework.util.backoff.FixedBackOff;

import static org.mockito.Mockito.mock;

/**
 * An in-process vtgate whose VStream answers as a test tells it to, and real containers connected
 * to it. Row events are never sent: decoding them needs the row mapping, which these tests must not
 * depend on.
 */
final class FakeVtgate implements AutoCloseable {

	static final String KEYSPACE = "commerce";

	private final Server server;

	private final ManagedChannel channel;

	private final List<VStreamContainer> containers = new CopyOnWriteArrayList<>();

	private final List<StreamObserver<VStreamResponse>> open = new CopyOnWriteArrayList<>();

	private final AtomicInteger requests = new AtomicInteger();

	private volatile Behaviour behaviour = Behaviour.silent();

	FakeVtgate() {
		String name = InProcessServerBuilder.generateName();
		try {
			this.server = InProcessServerBuilder.forName(name).addService(new VitessGrpc.VitessImplBase() {

				@Override
				public void vStream(VStreamRequest request, StreamObserver<VStreamResponse> responses) {
					FakeVtgate.this.requests.incrementAndGet();
					FakeVtgate.this.open.add(responses);
					FakeVtgate.this.behaviour.answer(responses);
				}

			}).build().start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.channel = InProcessChannelBuilder.forName(name).build();
	}

	/**
	 * Set how the next VStream calls are answered.
	 * @param behaviour the answer
	 */
	void answer(Behaviour behaviour) {
		this.behaviour = behaviour;
	}

	/** @return the VStream calls received */
	int requests() {
		return this.requests.get();
	}

	/** @return the channel to this vtgate */
	ManagedChannel channel() {
		return this.channel;
	}

	/**
	 * A container of one listener on {@code customer}, not started, retrying every minute so that
	 * a broken stream stays RECONNECTING for the whole test.
	 */
	VStreamContainer container(String id, StartPosition start) {
		return container(id, start, List.of(listener("customerListener", "", "customer")));
	}

	VStreamContainer container(String id, StartPosition start, List<VStreamListenerEndpoint> listeners) {
		VStreamContainer container = new VStreamContainer(settings(id, start), this.channel,
				new InMemoryOffsetRepository(), () -> listeners, VStreamErrorHandler.stopStream());
		this.containers.add(container);
		return container;
	}

	/** Tracks a container built by the test so that {@link #close()} stops it. */
	<C extends VStreamContainer> C track(C container) {
		this.containers.add(container);
		return container;
	}

	static VStreamSettings settings(String id, StartPosition start) {
		return new VStreamSettings(id, KEYSPACE, start, TabletType.PRIMARY, Duration.ofSeconds(1), false,
				new FixedBackOff(60_000, FixedBackOff.UNLIMITED_ATTEMPTS), List.of());
	}

	static VStreamListenerEndpoint listener(String id, String keyspace, String table, Operation... operations) {
		Method method = ReflectionUtils.findMethod(Listener.class, "on", Map.class);
		// A mock factory: the real one is not implemented yet, and no row reaches the listener here.
		ListenerMethodAdapter adapter = new ListenerMethodAdapter(new Listener(), method, mock(RowMapperFactory.class));
		return new VStreamListenerEndpoint(id, keyspace, table, Set.of(operations), true, adapter);
	}

	static VStreamResponse response(VEvent... events) {
		return VStreamResponse.newBuilder().addAllEvents(List.of(events)).build();
	}

	static VEvent vgtid(String shard, String gtid, String... copyingTables) {
		ShardGtid.Builder shardGtid = ShardGtid.newBuilder().setKeyspace(KEYSPACE).setShard(shard).setGtid(gtid);
		for (String table : copyingTables) {
			shardGtid.addTablePKs(TableLastPK.newBuilder().setTableName(table));
		}
		return VEvent.newBuilder()
			.setType(VEventType.VGTID)
			.setVgtid(VGtid.newBuilder().addShardGtids(shardGtid))
			.build();
	}

	static VEvent heartbeat() {
		return VEvent.newBuilder().setType(VEventType.HEARTBEAT).build();
	}

	@Override
	public void close() {
		this.containers.forEach(VStreamContainer::stop);
		this.open.forEach((responses) -> {
			try {
				responses.onCompleted();
			}
			catch (RuntimeException ex) {
				// Already cancelled by the stopped container.
			}
		});
		this.channel.shutdownNow();
		this.server.shutdownNow();
	}

	/** How a VStream call is answered. */
	@FunctionalInterface
	interface Behaviour {

		void answer(StreamObserver<VStreamResponse> responses);

		/** Keep the call open and send nothing, like a vtgate with nothing to say yet. */
		static Behaviour silent() {
			return (responses) -> {
			};
		}

		/** Send responses and keep the call open. */
		static Behaviour send(VStreamResponse... sent) {
			return (responses) -> List.of(sent).forEach(responses::onNext);
		}

		/** End the call with an error. */
		static Behaviour fail(Status status) {
			return (responses) -> responses.onError(status.asRuntimeException());
		}

	}

	static final class Listener {

		void on(Map<String, Object> row) {
		}

	}

}
