package dev.vstream.actuate;

import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import binlogdata.Binlogdata.VEvent;
import dev.vstream.listener.ListenerMethodAdapter;
import dev.vstream.listener.Operation;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.mapping.RowMapperFactory;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.offset.StreamRunMarker;
import dev.vstream.position.StartPosition;
import dev.vstream.stream.DefaultVStreamContainer;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamSettings;
import dev.vstream.test.MutableClock;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.vtgate.Events;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.vitess.proto.Topodata.TabletType;
import org.junit.jupiter.api.AfterEach;

import org.springframework.util.ReflectionUtils;
import org.springframework.util.backoff.FixedBackOff;

import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

/**
 * Base of the actuator tests: real containers on an in-process {@link ScriptedVtgate},
 * and a clock the test moves. Row events are never sent: decoding them needs the row
 * mapping, which these tests must not depend on. Every container made here is stopped
 * after each test, then the vtgate is closed.
 */
abstract class AbstractStreamTests {

	static final String KEYSPACE = "commerce";

	static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

	final ScriptedVtgate vtgate = new ScriptedVtgate();

	final MutableClock clock = new MutableClock(NOW);

	private final List<VStreamContainer> containers = new CopyOnWriteArrayList<>();

	@AfterEach
	void stopContainersAndVtgate() {
		this.containers.forEach(VStreamContainer::stop);
		this.vtgate.close();
	}

	/**
	 * A container of one listener on {@code customer}, not started, retrying every minute
	 * so that a broken stream stays RECONNECTING for the whole test.
	 */
	DefaultVStreamContainer container(String id, StartPosition start) {
		return container(id, start, List.of(listener("customerListener", "", "customer")));
	}

	DefaultVStreamContainer container(String id, StartPosition start, List<VStreamListenerEndpoint> listeners) {
		DefaultVStreamContainer container = StreamFixture.newContainer(settings(id, start), this.vtgate.channel(),
				new InMemoryOffsetRepository(), () -> listeners, VStreamErrorHandler.stopStream());
		// Reconnects dated by the clock the health checks read.
		container.setClock(this.clock);
		return track(container);
	}

	/**
	 * Start {@link #container(String, StartPosition) a container} from the current
	 * position and wait until it is in a state, given what the vtgate was scripted to
	 * answer.
	 */
	VStreamContainer start(String id, StreamState state) {
		return start(id, StartPosition.CURRENT, (container) -> container.getState() == state);
	}

	/**
	 * Start {@link #container(String, StartPosition) a container} and wait until a
	 * condition holds.
	 */
	VStreamContainer start(String id, StartPosition start, Predicate<VStreamContainer> until) {
		return start(container(id, start), until);
	}

	/** Start a container made here and wait until a condition holds. */
	VStreamContainer start(VStreamContainer container, Predicate<VStreamContainer> until) {
		container.start();
		await().until(() -> until.test(container));
		return container;
	}

	/**
	 * A never-started container of this id whose state, error and commit time the test
	 * sets.
	 */
	ScriptedContainer scripted(String id) {
		return track(new ScriptedContainer(id, this.vtgate.channel()));
	}

	/**
	 * A run marker that says every stream ran before: a start without a saved position
	 * lost it.
	 */
	static StreamRunMarker everyStreamRanBefore() {
		return new StreamRunMarker() {

			@Override
			public boolean hasRun(String streamId) {
				return true;
			}

			@Override
			public void markRun(String streamId) {
			}

			@Override
			public void forget(String streamId) {
			}

		};
	}

	/** Stop a container after the test, with the ones made here. */
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
		// A mock factory: no row reaches the listener here, so it is never asked for a
		// mapper.
		ListenerMethodAdapter adapter = new ListenerMethodAdapter(new Listener(), method, mock(RowMapperFactory.class));
		return new VStreamListenerEndpoint(id, keyspace, table, Set.of(operations), true, adapter);
	}

	/**
	 * The VGTID event of one shard of {@link #KEYSPACE}.
	 * @param copyingTables the tables whose copy phase is still under way
	 */
	static VEvent vgtid(String shard, String gtid, String... copyingTables) {
		return Events.vgtidEvent(Events.vgtid(KEYSPACE, shard, gtid, copyingTables));
	}

	static final class Listener {

		void on(Map<String, Object> row) {
		}

	}

}
