package dev.vstream.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

import dev.vstream.listener.ListenerMethodAdapter;
import dev.vstream.listener.RowChange;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.mapping.RowMapperFactory;
import dev.vstream.metrics.MicrometerVStreamMonitor;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.offset.JdbcOffsetRepository;
import dev.vstream.offset.JdbcStreamRunMarker;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.offset.StreamRunMarker;
import dev.vstream.position.StartPosition;
import dev.vstream.test.InMemoryRunMarker;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitess.proto.Topodata.TabletType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;
import org.springframework.util.backoff.FixedBackOff;

import static dev.vstream.test.vtgate.Events.transaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A stream whose offset store lost its position (here: the offset table truncated, the
 * run marker kept in another table of the same H2 database) says so, and refuses to start
 * when a saved position is required.
 */
@ExtendWith(OutputCaptureExtension.class)
class LostPositionTests {

	private final ScriptedVtgate vtgate = new ScriptedVtgate();

	private final RowMapperFactory mappers = new RowMapperFactory(new DefaultConversionService());

	private final List<VStreamContainer> containers = new ArrayList<>();

	private final DataSource dataSource = new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2)
		.generateUniqueName(true)
		.build();

	private final JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);

	private final OffsetRepository offsets = offsetTable();

	private final JdbcStreamRunMarker marker = markerTable();

	private final MeterRegistry meters = new SimpleMeterRegistry();

	@AfterEach
	void close() {
		this.containers.forEach(VStreamContainer::stop);
		this.vtgate.close();
	}

	@Test
	void aFirstStartIsNoLostPosition(CapturedOutput output) {
		DefaultVStreamContainer container = container(this.marker);
		container.getContainerOptions().setRequireSavedPosition(true);
		container.start();
		assertThat(container.getStart().from()).isEqualTo(StreamStart.From.COPY);
		assertThat(container.getStart().ranBefore()).isFalse();
		assertThat(container.getStart().positionLost()).isFalse();
		assertThat(output).contains("Stream 'test' has no saved position and has not run before")
			.doesNotContain("WARN");
		assertThat(missing("false")).isEqualTo(1.0);
	}

	@Test
	void theFirstSaveMarksTheStreamAndAResumeFindsItsPosition() {
		runOnceAndStop();
		assertThat(this.marker.hasRun("test")).isTrue();
		DefaultVStreamContainer container = container(this.marker);
		container.getContainerOptions().setRequireSavedPosition(true);
		container.start();
		assertThat(container.getStart().from()).isEqualTo(StreamStart.From.SAVED_POSITION);
		assertThat(container.getStart().withoutSavedPosition()).isFalse();
		assertThat(missing("false")).as("the first start only").isEqualTo(1.0);
		assertThat(this.meters.find(MicrometerVStreamMonitor.POSITION_MISSING).counters()).hasSize(1);
	}

	@Test
	void aTruncatedOffsetTableIsReportedAtWarnWithWhatTheStartDoes(CapturedOutput output) {
		runOnceAndStop();
		this.jdbc.update("delete from vstream_offset");
		DefaultVStreamContainer container = container(this.marker);
		container.start();
		assertThat(container.isRunning()).isTrue();
		assertThat(container.getStart().from()).isEqualTo(StreamStart.From.COPY);
		assertThat(container.getStart().positionLost()).isTrue();
		assertThat(output).contains("WARN")
			.contains("Stream 'test' has no saved position although it ran before (according to its run marker in "
					+ "table vstream_offset_run): the offset store lost it. Starting at vstream.start-position=copy: "
					+ "every existing row of the copied tables is delivered again as an insert")
			.contains("vstream.require-saved-position=true");
		assertThat(missing("true")).isEqualTo(1.0);
	}

	@Test
	void aLostPositionIsRefusedWhenASavedPositionIsRequired() {
		runOnceAndStop();
		this.jdbc.update("delete from vstream_offset");
		int requests = this.vtgate.requests().size();
		DefaultVStreamContainer container = container(this.marker);
		container.getContainerOptions().setRequireSavedPosition(true);
		assertThatExceptionOfType(VStreamException.class).isThrownBy(container::start)
			.withMessageContaining("Stream 'test' refuses to start: it has no saved position although it ran before")
			.withMessageContaining("vstream.require-saved-position is true")
			.withMessageContaining("every existing row of the copied tables is delivered again as an insert")
			.withMessageContaining("vstream.require-saved-position=false")
			.withMessageContaining("{\"action\":\"reset\"");
		assertThat(container.getState()).isEqualTo(StreamState.FAILED);
		assertThat(container.getLastError()).hasMessageContaining("refuses to start");
		assertThat(this.vtgate.requests()).hasSize(requests);
		assertThat(missing("true")).isEqualTo(1.0);
	}

	@Test
	void aResetThatDeletesThePositionForgetsTheRun() {
		DefaultVStreamContainer first = runOnceAndStop();
		first.resetPosition(null);
		assertThat(this.marker.hasRun("test")).isFalse();
		DefaultVStreamContainer container = container(this.marker);
		container.getContainerOptions().setRequireSavedPosition(true);
		container.start();
		assertThat(container.getStart().ranBefore()).isFalse();
	}

	@Test
	void withoutARunMarkerTheStartCannotTellAndSaysSo(CapturedOutput output) {
		DefaultVStreamContainer container = container(null);
		container.start();
		assertThat(container.getStart().ranBefore()).isNull();
		assertThat(output)
			.contains("Stream 'test' has no saved position and cannot tell whether it ran before " + "(no run marker)");
		assertThat(missing("unknown")).isEqualTo(1.0);
		container.stop();
		DefaultVStreamContainer required = container(null);
		required.getContainerOptions().setRequireSavedPosition(true);
		assertThatExceptionOfType(VStreamException.class).isThrownBy(required::start)
			.withMessageContaining("cannot tell whether it ran before");
	}

	@Test
	void withStartPositionCurrentTheWarningSaysWhatIsSkipped(CapturedOutput output) {
		StreamRunMarker ran = new InMemoryRunMarker();
		ran.markRun("test");
		DefaultVStreamContainer container = StreamFixture.newContainer(settings(StartPosition.CURRENT),
				this.vtgate.channel(), new InMemoryOffsetRepository(), () -> List.of(endpoint()),
				VStreamErrorHandler.stopStream());
		this.containers.add(container);
		container.getContainerOptions().setRunMarker(ran);
		container.start();
		assertThat(container.getStart().from()).isEqualTo(StreamStart.From.CURRENT);
		assertThat(output).contains("Starting at vstream.start-position=current: only changes committed from now on "
				+ "are delivered; everything written since the stream last ran is skipped");
	}

	private DefaultVStreamContainer runOnceAndStop() {
		this.vtgate.thenSend(transaction(1));
		DefaultVStreamContainer container = container(this.marker);
		container.start();
		await().until(() -> this.offsets.load("test").isPresent());
		container.stop();
		return container;
	}

	private double missing(String ranBefore) {
		return this.meters.get(MicrometerVStreamMonitor.POSITION_MISSING)
			.tag("stream", "test")
			.tag("ran.before", ranBefore)
			.counter()
			.count();
	}

	private DefaultVStreamContainer container(StreamRunMarker marker) {
		DefaultVStreamContainer container = StreamFixture.newContainer(settings(StartPosition.COPY),
				this.vtgate.channel(), this.offsets, () -> List.of(endpoint()), VStreamErrorHandler.stopStream());
		container.getContainerOptions().setRunMarker(marker);
		container.setMonitor(new MicrometerVStreamMonitor(this.meters, null, null));
		this.containers.add(container);
		return container;
	}

	private OffsetRepository offsetTable() {
		JdbcOffsetRepository repository = new JdbcOffsetRepository(this.jdbc);
		repository.createTableIfMissing();
		return repository;
	}

	private JdbcStreamRunMarker markerTable() {
		JdbcStreamRunMarker marker = new JdbcStreamRunMarker(this.jdbc, "vstream_offset_run");
		marker.createTableIfMissing();
		return marker;
	}

	private static VStreamSettings settings(StartPosition start) {
		return new VStreamSettings("test", "commerce", start, TabletType.PRIMARY, Duration.ZERO, false,
				new FixedBackOff(10, Long.MAX_VALUE), List.of());
	}

	private VStreamListenerEndpoint endpoint() {
		OrderRecorder recorder = new OrderRecorder();
		try {
			return new VStreamListenerEndpoint("onChange", "", "corder", Set.of(), true, new ListenerMethodAdapter(
					recorder, OrderRecorder.class.getDeclaredMethod("on", RowChange.class), this.mappers));
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
