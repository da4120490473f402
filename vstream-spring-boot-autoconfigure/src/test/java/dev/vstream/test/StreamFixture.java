package dev.vstream.test;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import dev.vstream.listener.ListenerMethodAdapter;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.mapping.RowMapperFactory;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.stream.DefaultVStreamContainer;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamSettings;
import dev.vstream.test.vtgate.Events;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.Channel;
import io.vitess.proto.Topodata.TabletType;

import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.util.backoff.FixedBackOff;

/**
 * What a stream test needs around a container: a scripted vtgate
 * ({@link ScriptedVtgate}), an offset store, row mappers, listener endpoints, and
 * containers that are stopped (with the vtgate) on {@link #close()}. A test keeps one as
 * a field and closes it in {@code @AfterEach}.
 * <p>
 * {@link #newContainer} is the one place where the tests construct a container.
 *
 * @param <O> the type of the offset store
 */
public final class StreamFixture<O extends OffsetRepository> implements AutoCloseable {

	/**
	 * How long a test watches that something stays as it is: no reconnect, no save.
	 */
	public static final Duration STAYS = Duration.ofMillis(700);

	private final ScriptedVtgate vtgate;

	private final O offsets;

	private final RowMapperFactory mappers = new RowMapperFactory(new DefaultConversionService());

	private final List<VStreamContainer> containers = new ArrayList<>();

	/**
	 * A fixture with a new scripted vtgate.
	 * @param offsets the offset store of its containers
	 */
	public StreamFixture(O offsets) {
		this(new ScriptedVtgate(), offsets);
	}

	/**
	 * A fixture around a given vtgate.
	 * @param vtgate the scripted vtgate (closed with the fixture)
	 * @param offsets the offset store of its containers
	 */
	public StreamFixture(ScriptedVtgate vtgate, O offsets) {
		this.vtgate = vtgate;
		this.offsets = offsets;
	}

	/**
	 * @return a fixture whose containers keep their positions in memory
	 */
	public static StreamFixture<InMemoryOffsetRepository> inMemory() {
		return new StreamFixture<>(new InMemoryOffsetRepository());
	}

	/**
	 * @return a fixture whose containers keep their positions in memory and record every
	 * save
	 */
	public static StreamFixture<RecordingOffsets> recording() {
		return new StreamFixture<>(new RecordingOffsets());
	}

	/**
	 * Construct a container. Every test that needs one gets it here, so that how a
	 * container is made is written once.
	 * @param settings the stream's settings
	 * @param channel the channel to vtgate
	 * @param offsets the offset store
	 * @param endpoints the listener endpoints
	 * @param errorHandler the listener error handler
	 * @return a container, not started
	 */
	public static DefaultVStreamContainer newContainer(VStreamSettings settings, Channel channel,
			OffsetRepository offsets, Supplier<Collection<VStreamListenerEndpoint>> endpoints,
			VStreamErrorHandler errorHandler) {
		return new DefaultVStreamContainer(settings, channel, offsets, endpoints, errorHandler);
	}

	/**
	 * Settings of stream {@code test} on the primary, not stopping on reshard,
	 * reconnecting every 10 ms, with no table rules.
	 * @param keyspace the default keyspace
	 * @param start where a stream with no saved position starts
	 * @param heartbeat the heartbeat interval
	 * @return the settings
	 */
	public static VStreamSettings settings(String keyspace, StartPosition start, Duration heartbeat) {
		return new VStreamSettings("test", keyspace, start, TabletType.PRIMARY, heartbeat, false,
				new FixedBackOff(10, Long.MAX_VALUE), List.of());
	}

	/**
	 * The position of commerce/0 after {@link Events#transaction transaction}
	 * {@code transaction}.
	 * @param transaction the transaction (and order) number
	 * @return the position
	 */
	public static StreamPosition position(long transaction) {
		return StreamPosition.of(Events.vgtid("commerce", "0", "MySQL56/a:1-" + transaction));
	}

	/**
	 * @return the scripted vtgate
	 */
	public ScriptedVtgate vtgate() {
		return this.vtgate;
	}

	/**
	 * @return the offset store of the containers made by {@link #container}
	 */
	public O offsets() {
		return this.offsets;
	}

	/**
	 * @return the row mappers of the endpoints made by {@link #endpoint}
	 */
	public RowMapperFactory mappers() {
		return this.mappers;
	}

	/**
	 * An endpoint on table {@code table} of the default keyspace, for all columns,
	 * calling a method of a listener bean.
	 * @param id the endpoint id
	 * @param table the table
	 * @param bean the listener
	 * @param method the name of the listener's method (declared once on its class)
	 * @return the endpoint
	 */
	public VStreamListenerEndpoint endpoint(String id, String table, Object bean, String method) {
		return endpoint(id, "", table, bean, method);
	}

	/**
	 * An endpoint on a table, for all columns, calling a method of a listener bean.
	 * @param id the endpoint id
	 * @param keyspace the keyspace ({@code ""} for the stream's default keyspace)
	 * @param table the table
	 * @param bean the listener
	 * @param method the name of the listener's method (declared once on its class)
	 * @return the endpoint
	 */
	public VStreamListenerEndpoint endpoint(String id, String keyspace, String table, Object bean, String method) {
		return new VStreamListenerEndpoint(id, keyspace, table, Set.of(), true,
				new ListenerMethodAdapter(bean, method(bean.getClass(), method), this.mappers));
	}

	/**
	 * A container on this fixture's vtgate and offset store, stopped on {@link #close()}.
	 * @param settings the stream's settings
	 * @param errorHandler the listener error handler
	 * @param endpoints the listener endpoints
	 * @return the container, not started
	 */
	public DefaultVStreamContainer container(VStreamSettings settings, VStreamErrorHandler errorHandler,
			VStreamListenerEndpoint... endpoints) {
		return container(settings, this.vtgate.channel(), this.offsets, List.of(endpoints), errorHandler);
	}

	/**
	 * A container, stopped on {@link #close()}.
	 * @param settings the stream's settings
	 * @param channel the channel to vtgate
	 * @param offsets the offset store
	 * @param endpoints the listener endpoints
	 * @param errorHandler the listener error handler
	 * @return the container, not started
	 */
	public DefaultVStreamContainer container(VStreamSettings settings, Channel channel, OffsetRepository offsets,
			Collection<VStreamListenerEndpoint> endpoints, VStreamErrorHandler errorHandler) {
		return track(newContainer(settings, channel, offsets, () -> endpoints, errorHandler));
	}

	/**
	 * Start a container.
	 * @param container the container
	 * @return the container, started
	 */
	public <C extends VStreamContainer> C start(C container) {
		container.start();
		return container;
	}

	/**
	 * Stop a container with the fixture.
	 * @param container the container
	 * @return the container
	 */
	public <C extends VStreamContainer> C track(C container) {
		this.containers.add(container);
		return container;
	}

	/** Stop every container, then the vtgate. */
	@Override
	public void close() {
		this.containers.forEach(VStreamContainer::stop);
		this.vtgate.close();
	}

	private static Method method(Class<?> type, String name) {
		for (Method method : type.getDeclaredMethods()) {
			if (method.getName().equals(name)) {
				return method;
			}
		}
		throw new IllegalArgumentException("No method " + name + " on " + type.getName());
	}

}
