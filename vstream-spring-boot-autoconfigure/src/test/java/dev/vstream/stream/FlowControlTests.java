package dev.vstream.stream;

import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.vstream.listener.ListenerMethodAdapter;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.mapping.RowMapperFactory;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.test.StreamFixture;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.vitess.proto.Topodata.TabletType;
import io.vitess.proto.Vtgate.VStreamRequest;
import io.vitess.proto.Vtgate.VStreamResponse;
import io.vitess.proto.grpc.VitessGrpc;
import org.junit.jupiter.api.Test;

import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.util.backoff.FixedBackOff;

import static dev.vstream.test.vtgate.Events.begin;
import static dev.vstream.test.vtgate.Events.commit;
import static dev.vstream.test.vtgate.Events.corderFields;
import static dev.vstream.test.vtgate.Events.insert;
import static dev.vstream.test.vtgate.Events.response;
import static dev.vstream.test.vtgate.Events.row;
import static dev.vstream.test.vtgate.Events.vgtid;
import static dev.vstream.test.vtgate.Events.vgtidEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Over a real (Netty, loopback) gRPC connection, a blocked listener stops vtgate from
 * sending: the container pulls responses as it handles them instead of buffering the
 * stream in memory.
 */
class FlowControlTests {

	private static final int RESPONSES = 2_000;

	private static final String PADDING = "x".repeat(64 * 1024);

	@Test
	void blockedListenerHoldsBackTheServer() throws Exception {
		AtomicInteger sent = new AtomicInteger();
		Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
			.addService(new VitessGrpc.VitessImplBase() {
				@Override
				public void vStream(VStreamRequest request, StreamObserver<VStreamResponse> observer) {
					ServerCallStreamObserver<VStreamResponse> call = (ServerCallStreamObserver<VStreamResponse>) observer;
					call.setOnReadyHandler(() -> {
						// Only send while the transport has room: what a well-behaved
						// vtgate does.
						while (call.isReady() && sent.get() < RESPONSES) {
							int i = sent.getAndIncrement();
							call.onNext(response(begin(), corderFields("commerce", "0"),
									insert("commerce", "0", "corder", row(i, 7, PADDING, "1.00")),
									vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-" + (i + 1))), commit()));
						}
					});
				}
			})
			.build()
			.start();
		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
			.usePlaintext()
			.maxInboundMessageSize(8 * 1024 * 1024)
			.build();
		Listener listener = new Listener();
		VStreamListenerEndpoint endpoint = new VStreamListenerEndpoint("slow", "", "corder", Set.of(), true,
				new ListenerMethodAdapter(listener, Listener.class.getDeclaredMethod("on", Order.class),
						new RowMapperFactory(new DefaultConversionService())));
		VStreamContainer container = StreamFixture.newContainer(
				new VStreamSettings("flow", "commerce", StartPosition.COPY, TabletType.PRIMARY, Duration.ZERO, false,
						new FixedBackOff(10, 0), List.of()),
				channel, new InMemoryOffsetRepository(), () -> List.of(endpoint), VStreamErrorHandler.stopStream());
		try {
			container.start();
			await().until(() -> listener.handled.get() == 1);
			// While the listener is stuck, the server must stall far below the full
			// stream (128 MiB).
			await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> sent.get() < RESPONSES / 4);
			int sentWhileBlocked = sent.get();
			listener.release.countDown();
			await().atMost(Duration.ofSeconds(60)).until(() -> listener.handled.get() == RESPONSES);
			assertThat(sentWhileBlocked).isLessThan(RESPONSES / 4);
			assertThat(listener.lastOrderId.get()).isEqualTo(RESPONSES - 1);
		}
		finally {
			container.stop();
			channel.shutdownNow();
			server.shutdownNow();
		}
	}

	record Order(long orderId, String sku, BigDecimal price) {
	}

	static class Listener {

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger handled = new AtomicInteger();

		final AtomicLong lastOrderId = new AtomicLong(-1);

		void on(Order order) throws InterruptedException {
			if (this.handled.incrementAndGet() == 1) {
				this.release.await();
			}
			this.lastOrderId.set(order.orderId());
		}

	}

}
