package dev.vstream.stream;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.Channel;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.vitess.proto.Topodata.TabletType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.backoff.FixedBackOff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Mistakes a stream reports when it starts, before it streams: a keyspace pattern, a
 * keyspace vtgate does not know; and the vtgate it cannot reach, named in the reconnect
 * line.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupChecksTests {

	private final StreamFixture<InMemoryOffsetRepository> fixture = StreamFixture.inMemory();

	private final ScriptedVtgate vtgate = this.fixture.vtgate();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void aKeyspaceVtgateDoesNotKnowFailsTheStartNamingItAndTheListener() {
		this.vtgate.withUnknownKeyspace("comerce");
		DefaultVStreamContainer container = container(this.vtgate.channel(), endpoint("comerce"));
		assertThatExceptionOfType(VStreamException.class).isThrownBy(container::start)
			.withMessageContaining(
					"Keyspace 'comerce', streamed by listener 'onOrder' of stream 'test', does not exist")
			.withMessageContaining("VT05003")
			.withMessageContaining("vstream.keyspace");
		assertThat(container.getState()).isEqualTo(StreamState.FAILED);
		assertThat(container.getLastError()).hasMessageContaining("does not exist");
		assertThat(this.vtgate.requests()).isEmpty();
	}

	@Test
	void aKeyspaceVtgateCannotAnswerForDoesNotStopTheStart() {
		// ScriptedVtgate answers UNIMPLEMENTED for keyspaces it was told nothing about:
		// "cannot answer".
		DefaultVStreamContainer container = container(this.vtgate.channel(), endpoint("commerce"));
		container.start();
		await().until(() -> !this.vtgate.requests().isEmpty());
	}

	@Test
	void aKeyspacePatternFailsTheStartNamingTheListener() {
		DefaultVStreamContainer container = container(this.vtgate.channel(), endpoint("/.*"));
		container.getContainerOptions().setVerifyTables(false);
		assertThatExceptionOfType(VStreamException.class).isThrownBy(container::start)
			.withMessageContaining("Listener 'onOrder' of stream 'test' streams keyspace '/.*', a pattern")
			.withMessageContaining("not supported");
		assertThat(container.getState()).isEqualTo(StreamState.FAILED);
		assertThat(this.vtgate.requests()).isEmpty();
	}

	@Test
	void theReconnectLineNamesTheVtgateItCannotReach(CapturedOutput output) throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		ManagedChannel channel = Grpc
			.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
			.build();
		try {
			DefaultVStreamContainer container = container(channel, endpoint("commerce"));
			container.start();
			await().until(() -> container.getState() == StreamState.RECONNECTING);
			await().untilAsserted(() -> assertThat(output).contains("Stream 'test' broke (UNAVAILABLE: ")
				.contains(") on vtgate 127.0.0.1:" + port + "; reconnecting in"));
			container.stop();
		}
		finally {
			channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
	}

	private DefaultVStreamContainer container(Channel channel, VStreamListenerEndpoint endpoint) {
		VStreamSettings settings = new VStreamSettings("test", "commerce", StartPosition.COPY, TabletType.PRIMARY,
				Duration.ZERO, false, new FixedBackOff(200, Long.MAX_VALUE), List.of());
		return this.fixture.container(settings, channel, new InMemoryOffsetRepository(), List.of(endpoint),
				VStreamErrorHandler.stopStream());
	}

	private VStreamListenerEndpoint endpoint(String keyspace) {
		return this.fixture.endpoint("onOrder", keyspace, "corder", new OrderRecorder(), "on");
	}

}
