package dev.vstream.stream;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import binlogdata.Binlogdata.VEvent;
import binlogdata.Binlogdata.VEventType;
import dev.vstream.test.vtgate.Events;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.vitess.proto.Vtgate.VStreamRequest;
import io.vitess.proto.Vtgate.VStreamResponse;
import io.vitess.proto.grpc.VitessGrpc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.vstream.test.vtgate.Events.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How far ahead {@link ResponseStream} asks vtgate for responses, over a real (Netty,
 * loopback) connection: a window of small responses, one at a time once responses are
 * large. And a wait for the next response that a stop can end without ending the call.
 */
class ResponseStreamTests {

	private static final int PREFETCH = 16;

	private static final int RESPONSES = 60;

	private static final int TRANSPORT_WINDOW = 1024 * 1024;

	private final AtomicInteger sent = new AtomicInteger();

	private Server server;

	private ManagedChannel channel;

	@AfterEach
	void stop() {
		if (this.channel != null) {
			this.channel.shutdownNow();
		}
		if (this.server != null) {
			this.server.shutdownNow();
		}
	}

	@Test
	void smallResponsesAreRequestedAWindowAhead() throws Exception {
		ResponseStream responses = open(1024);
		takeInOrder(responses, 0, PREFETCH + 4);
		// Refilled half a window at a time: never down to the one response the blocking
		// stub keeps.
		assertThat(responses.outstanding()).isGreaterThanOrEqualTo(PREFETCH / 2);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.sent.get() >= PREFETCH + 4 + PREFETCH / 2);
		takeInOrder(responses, PREFETCH + 4, RESPONSES);
		assertThat(responses.hasNext()).isFalse();
	}

	@Test
	void largeResponsesAreRequestedOneAtATime() throws Exception {
		ResponseStream responses = open(ResponseStream.LARGE_RESPONSE + 1024);
		// The first window was asked for before any size was known; after it, one at a
		// time.
		takeInOrder(responses, 0, PREFETCH + 4);
		assertThat(responses.outstanding()).isEqualTo(1);
		int taken = PREFETCH + 4;
		// Beyond what was taken, the server gets out that one response, one more into the
		// client's flow-control window and one into its own send buffer: far from a
		// window of 16 (16 MiB).
		await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> this.sent.get() - taken <= 4);
		takeInOrder(responses, taken, RESPONSES);
		assertThat(responses.hasNext()).isFalse();
	}

	@Test
	void aWakeEndsAWaitWithoutEndingTheCall() throws Exception {
		try (ScriptedVtgate vtgate = new ScriptedVtgate()) {
			ResponseStream responses = new ResponseStream(vtgate.channel(), VStreamRequest.getDefaultInstance(),
					PREFETCH);
			CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> responses.await(-1));
			responses.wake();
			assertThat(waiting.get(5, TimeUnit.SECONDS)).as("woken, nothing received").isFalse();
			await().until(() -> vtgate.requests().size() == 1);
			vtgate.send(response(Events.heartbeat()));
			assertThat(responses.await(TimeUnit.SECONDS.toNanos(5))).isTrue();
			assertThat(responses.next().getEvents(0).getType()).isEqualTo(VEventType.HEARTBEAT);
			assertThat(responses.await(TimeUnit.MILLISECONDS.toNanos(100))).as("nothing more within the time")
				.isFalse();
		}
	}

	private ResponseStream open(int responseSize) throws Exception {
		String padding = "x".repeat(responseSize);
		this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
			.addService(new VitessGrpc.VitessImplBase() {
				@Override
				public void vStream(VStreamRequest request, StreamObserver<VStreamResponse> observer) {
					ServerCallStreamObserver<VStreamResponse> call = (ServerCallStreamObserver<VStreamResponse>) observer;
					call.setOnReadyHandler(() -> {
						// Only send while the transport has room, as vtgate does.
						while (call.isReady() && ResponseStreamTests.this.sent.get() < RESPONSES) {
							int i = ResponseStreamTests.this.sent.getAndIncrement();
							call.onNext(VStreamResponse.newBuilder()
								.addEvents(VEvent.newBuilder()
									.setType(VEventType.OTHER)
									.setDml(Integer.toString(i))
									.setStatement(padding))
								.build());
							if (i == RESPONSES - 1) {
								call.onCompleted();
							}
						}
					});
				}
			})
			.build()
			.start();
		// A fixed transport window (gRPC otherwise grows it from its bandwidth-delay
		// pings, up to 8 MiB, which on a loaded machine let the server send several large
		// responses ahead of the ones requested and made the bound below
		// timing-dependent).
		this.channel = NettyChannelBuilder.forAddress("127.0.0.1", this.server.getPort())
			.usePlaintext()
			.flowControlWindow(TRANSPORT_WINDOW)
			.maxInboundMessageSize(8 * 1024 * 1024)
			.build();
		return new ResponseStream(this.channel, VStreamRequest.getDefaultInstance(), PREFETCH);
	}

	private static void takeInOrder(ResponseStream responses, int from, int to) {
		for (int i = from; i < to; i++) {
			assertThat(responses.hasNext()).isTrue();
			assertThat(responses.next().getEvents(0).getDml()).isEqualTo(Integer.toString(i));
		}
	}

}
