package dev.vstream.stream;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.vstream.listener.DefaultVStreamErrorHandler;
import dev.vstream.listener.ErrorRecovery;
import dev.vstream.listener.ListenerMethodAdapter;
import dev.vstream.listener.RowChange;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.mapping.RowMapperFactory;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.vitess.proto.Topodata.TabletType;
import org.junit.jupiter.api.AfterEach;
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
 * Stopping a stream whose listener is in its retry back-off ends the wait at once,
 * instead of waiting out the remaining retries; the change stays unhandled.
 */
class StopDuringRetryTests {

	private final ScriptedVtgate vtgate = new ScriptedVtgate();

	private final InMemoryOffsetRepository offsets = new InMemoryOffsetRepository();

	@AfterEach
	void closeVtgate() {
		this.vtgate.close();
	}

	@Test
	void stopDuringARetryBackOffReturnsPromptly() throws Exception {
		this.vtgate.thenSend(response(begin(), corderFields("commerce", "0"),
				insert("commerce", "0", "corder", row(1, 7, "sku-1", "1.00")),
				vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-1")), commit()));
		VStreamDeliveryTests.Recorder recorder = new VStreamDeliveryTests.Recorder();
		recorder.failOrder = 1;
		VStreamListenerEndpoint endpoint = new VStreamListenerEndpoint("onChange", "", "corder", Set.of(), true,
				new ListenerMethodAdapter(recorder,
						VStreamDeliveryTests.Recorder.class.getDeclaredMethod("onChange", RowChange.class),
						new RowMapperFactory(new DefaultConversionService())));
		VStreamSettings settings = new VStreamSettings("test", "commerce", StartPosition.COPY, TabletType.PRIMARY,
				Duration.ZERO, false, new FixedBackOff(10, Long.MAX_VALUE), List.of(), List.of(), Map.of(), null,
				false);
		// Seven retries a second apart: about 7 s, as the default listener back-off.
		DefaultVStreamContainer container = new DefaultVStreamContainer(settings, this.vtgate.channel(), this.offsets,
				() -> List.of(endpoint),
				new DefaultVStreamErrorHandler(new FixedBackOff(1000, 7), ErrorRecovery.STOP, null));
		container.start();
		await().until(() -> recorder.calls.get() >= 2);
		long started = System.nanoTime();
		container.stop();
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		assertThat(took).isLessThan(Duration.ofSeconds(2));
		assertThat(container.isRunning()).isFalse();
		assertThat(container.getState()).isEqualTo(StreamState.STOPPED);
		assertThat(recorder.changes).isEmpty();
		assertThat(this.offsets.load("test")).isEmpty();
	}

}
