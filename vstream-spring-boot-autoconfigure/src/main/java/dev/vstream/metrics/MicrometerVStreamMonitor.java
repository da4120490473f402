package dev.vstream.metrics;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.vstream.listener.ChangeEvent;
import dev.vstream.listener.ListenerExecutionFailedException;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.position.StreamPosition;
import dev.vstream.stream.StreamStart;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamMonitor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Records the meters of each stream in a {@link MeterRegistry} and, when given an
 * {@link ObservationRegistry}, wraps each listener call in a
 * {@link VStreamListenerObservation#LISTENER_OBSERVATION vstream.listener} observation.
 *
 * <p>
 * Meters (every one tagged {@code stream}, the stream id; tag values of the change are
 * the keyspace, shard and table names and {@code insert}, {@code update},
 * {@code delete}):
 * <ul>
 * <li>{@value #EVENTS_RECEIVED} (counter): events received from vtgate, heartbeats
 * included;</li>
 * <li>{@value #CHANGES_DISPATCHED} (timer, tags {@code listener}, {@code keyspace},
 * {@code shard}, {@code table}, {@code op}, {@code outcome} = {@code success} |
 * {@code failure}): listener calls and how long they took; not recorded while listener
 * calls are observed, whose observation's timer replaces it (recorded by
 * {@link VStreamListenerMeterObservationHandler});</li>
 * <li>{@value #CHANGES_FAILED} (counter, tags {@code listener}, {@code keyspace},
 * {@code shard}, {@code table}, {@code op}, {@code exception}, the simple class name of
 * what the listener threw): listener calls that threw (before retries), and rows that
 * could not be decoded ({@code listener}, {@code keyspace}, {@code shard}, {@code table}
 * and {@code op} then {@code none});</li>
 * <li>{@value #LAG} (time gauge, seconds): now minus the commit time of the last handled
 * change or of vtgate's last idle heartbeat, whichever is later; registered with the
 * stream's first response, {@code NaN} until a change with a commit time was handled or a
 * heartbeat came; reads the container that last reported under the stream id (a shard
 * stream started again under its id replaces the one before), which it does not keep from
 * being garbage-collected;</li>
 * <li>{@value #CHECKPOINT_SAVE} (timer): position saves;</li>
 * <li>{@value #RECONNECTS} (counter, tag {@code code}, the gRPC status code):
 * reconnects;</li>
 * <li>{@value #POSITION_MISSING} (counter, tag {@code ran.before} = {@code true} |
 * {@code false} | {@code unknown}): starts without a saved position;</li>
 * <li>{@value #COPY_ROWS} (counter, tags {@code keyspace}, {@code table}): rows of the
 * copy phase handled;</li>
 * <li>{@value #COPY_ROWS_ESTIMATED} (gauge, tags {@code keyspace}, {@code table}): the
 * table's row count as the database estimates it, {@code NaN} when vtgate could not
 * tell;</li>
 * <li>{@value #COPY_REMAINING} (time gauge, seconds, tags {@code keyspace},
 * {@code table}): time left to copy the table at the recent rate, 0 once copied,
 * {@code NaN} when not known. Both gauges are registered with the table's first copied
 * rows and read {@link VStreamContainer#getCopyProgress()}.</li>
 * </ul>
 */
public class MicrometerVStreamMonitor implements VStreamMonitor {

	/** Name of the counter of events received. */
	public static final String EVENTS_RECEIVED = "vstream.events.received";

	/** Name of the timer of listener calls. */
	public static final String CHANGES_DISPATCHED = "vstream.changes.dispatched";

	/** Name of the counter of failed changes. */
	public static final String CHANGES_FAILED = "vstream.changes.failed";

	/** Name of the lag gauge. */
	public static final String LAG = "vstream.lag";

	/** Name of the timer of position saves. */
	public static final String CHECKPOINT_SAVE = "vstream.checkpoint.save";

	/** Name of the counter of reconnects. */
	public static final String RECONNECTS = "vstream.reconnects";

	/** Name of the counter of starts without a saved position. */
	public static final String POSITION_MISSING = "vstream.position.missing";

	/** Name of the counter of rows copied. */
	public static final String COPY_ROWS = "vstream.copy.rows";

	/** Name of the gauge of a copied table's estimated row count. */
	public static final String COPY_ROWS_ESTIMATED = "vstream.copy.rows.estimated";

	/** Name of the time gauge of a copy's time left. */
	public static final String COPY_REMAINING = "vstream.copy.remaining";

	private static final String NONE = "none";

	private final @Nullable MeterRegistry meterRegistry;

	private final @Nullable ObservationRegistry observationRegistry;

	private final @Nullable VStreamListenerObservationConvention convention;

	// The lag gauge and events counter of each stream id: the gauge needs the container,
	// which only the callbacks hand over, and a container replaced under its id (a shard
	// stream started again) must neither be read nor kept alive by it.
	private final Map<String, StreamMeters> streamMeters = new ConcurrentHashMap<>();

	// The copy meters of each stream id, keyspace and table.
	private final Map<List<String>, CopyMeters> copyMeters = new ConcurrentHashMap<>();

	// Listener calls are reported for every row: what their tags and key values give is
	// built once per combination of them, found without allocating.
	private final Dispatches dispatches = new Dispatches();

	/**
	 * Create a monitor.
	 * @param meterRegistry where meters go, {@code null} for no meters
	 * @param observationRegistry where listener observations go, {@code null} for none;
	 * while it observes (has handlers), listener calls are not timed by
	 * {@value #CHANGES_DISPATCHED}: with a meter handler (see
	 * {@link VStreamListenerMeterObservationHandler}) the observation's own timer times
	 * them
	 * @param convention replaces {@link DefaultVStreamListenerObservationConvention}, may
	 * be {@code null}
	 */
	public MicrometerVStreamMonitor(@Nullable MeterRegistry meterRegistry,
			@Nullable ObservationRegistry observationRegistry,
			@Nullable VStreamListenerObservationConvention convention) {
		this.meterRegistry = meterRegistry;
		this.observationRegistry = observationRegistry;
		this.convention = convention;
	}

	@Override
	public void responseReceived(VStreamContainer container, int events) {
		MeterRegistry registry = this.meterRegistry;
		if (registry == null) {
			return;
		}
		StreamMeters meters = this.streamMeters.get(container.getId());
		if (meters == null) {
			meters = this.streamMeters.computeIfAbsent(container.getId(), (id) -> StreamMeters.register(registry, id));
		}
		meters.lag.follow(container);
		if (events > 0) {
			meters.eventsReceived.increment(events);
		}
	}

	@Override
	public void invoke(VStreamContainer container, VStreamListenerEndpoint listener, ChangeEvent event,
			Runnable invocation) {
		ObservationRegistry registry = this.observationRegistry;
		if (registry == null || registry.isNoop()) {
			invocation.run();
			return;
		}
		VStreamListenerObservationContext context = new VStreamListenerObservationContext(container.getId(), listener,
				event, this.dispatches.get(container.getId(), listener, event));
		VStreamListenerObservation.LISTENER_OBSERVATION
			.observation(this.convention, DefaultVStreamListenerObservationConvention.INSTANCE, () -> context, registry)
			.observe(invocation);
	}

	@Override
	public void changeHandled(VStreamContainer container, VStreamListenerEndpoint listener, ChangeEvent event,
			long nanos, @Nullable Throwable error) {
		MeterRegistry registry = this.meterRegistry;
		if (registry == null) {
			return;
		}
		// An observed call is timed by the observation's meter handler: once.
		ObservationRegistry observations = this.observationRegistry;
		boolean timed = observations == null || observations.isNoop();
		if (error == null) {
			if (timed) {
				this.dispatches.get(container.getId(), listener, event)
					.success(registry)
					.record(nanos, TimeUnit.NANOSECONDS);
			}
			return;
		}
		Tags tags = this.dispatches.get(container.getId(), listener, event).tags;
		if (timed) {
			dispatched(registry, tags, "failure").record(nanos, TimeUnit.NANOSECONDS);
		}
		failed(registry, tags.and("exception", exception(error)));
	}

	static Timer dispatched(MeterRegistry registry, Tags tags, String outcome) {
		return Timer.builder(CHANGES_DISPATCHED)
			.description("Listener calls")
			.tags(tags)
			.tag("outcome", outcome)
			.register(registry);
	}

	private static String exception(Throwable error) {
		// The listener's own exception says what went wrong; the wrapper only says where.
		Throwable cause = (error instanceof ListenerExecutionFailedException && error.getCause() != null)
				? error.getCause() : error;
		return cause.getClass().getSimpleName();
	}

	/**
	 * The {@code op} tag of a listener call: the change's operation, {@code transaction}
	 * for a transaction listener, {@code batch} for a batch listener.
	 */
	static String op(VStreamListenerEndpoint listener, ChangeEvent event) {
		if (listener.getAdapter().isBatch()) {
			return (listener.getBatchPolicy() != null) ? "batch" : "transaction";
		}
		// Constants: called for every row.
		return switch (event.op()) {
			case INSERT -> "insert";
			case UPDATE -> "update";
			case DELETE -> "delete";
		};
	}

	@Override
	public void changeUndecodable(VStreamContainer container, RuntimeException error) {
		MeterRegistry registry = this.meterRegistry;
		if (registry != null) {
			failed(registry, Tags.of("stream", container.getId(), "listener", NONE, "keyspace", NONE, "shard", NONE,
					"table", NONE, "op", NONE, "exception", error.getClass().getSimpleName()));
		}
	}

	private static void failed(MeterRegistry registry, Tags tags) {
		Counter.builder(CHANGES_FAILED)
			.description("Listener calls that threw, and rows that could not be decoded")
			.tags(tags)
			.register(registry)
			.increment();
	}

	/**
	 * What the lag gauge of a stream id reads: the container that last reported under the
	 * id, weakly held.
	 */
	private static final class LagSource {

		private volatile WeakReference<VStreamContainer> container = new WeakReference<>(null);

		static LagSource register(MeterRegistry registry, String id) {
			LagSource source = new LagSource();
			TimeGauge.builder(LAG, source, TimeUnit.MILLISECONDS, LagSource::lagMillis)
				.description(
						"Now minus the commit time of the last handled change or vtgate's last idle heartbeat, whichever is later")
				.tag("stream", id)
				.register(registry);
			return source;
		}

		void follow(VStreamContainer container) {
			// Called for every response: a new reference only when the container changed.
			if (this.container.get() != container) {
				this.container = new WeakReference<>(container);
			}
		}

		double lagMillis() {
			VStreamContainer current = this.container.get();
			Duration lag = (current != null) ? current.getLag(Instant.now()) : null;
			return (lag != null) ? lag.toMillis() : Double.NaN;
		}

	}

	/** The meters of a stream id that are recorded for every response. */
	private record StreamMeters(LagSource lag, Counter eventsReceived) {

		static StreamMeters register(MeterRegistry registry, String id) {
			return new StreamMeters(LagSource.register(registry, id),
					Counter.builder(EVENTS_RECEIVED)
						.description("Events received from vtgate")
						.tag("stream", id)
						.register(registry));
		}

	}

	@Override
	public void rowsCopied(VStreamContainer container, String keyspace, String table, int rows) {
		MeterRegistry registry = this.meterRegistry;
		if (registry != null) {
			this.copyMeters
				.computeIfAbsent(List.of(container.getId(), keyspace, table),
						(key) -> CopyMeters.register(registry, key.get(0), key.get(1), key.get(2)))
				.rowsCopied(container, rows);
		}
	}

	@Override
	public void checkpointSaved(VStreamContainer container, StreamPosition position, long nanos) {
		MeterRegistry registry = this.meterRegistry;
		if (registry != null) {
			Timer.builder(CHECKPOINT_SAVE)
				.description("Position saves")
				.tag("stream", container.getId())
				.register(registry)
				.record(nanos, TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void reconnecting(VStreamContainer container, Status status) {
		MeterRegistry registry = this.meterRegistry;
		if (registry != null) {
			Counter.builder(RECONNECTS)
				.description("Reconnects after the stream broke")
				.tag("stream", container.getId())
				.tag("code", status.getCode().name())
				.register(registry)
				.increment();
		}
	}

	@Override
	public void startedWithoutSavedPosition(VStreamContainer container, StreamStart start) {
		MeterRegistry registry = this.meterRegistry;
		if (registry != null) {
			Counter.builder(POSITION_MISSING)
				.description("Starts without a saved position (ran.before=true: the offset store lost it)")
				.tag("stream", container.getId())
				.tag("ran.before", (start.ranBefore() != null) ? start.ranBefore().toString() : "unknown")
				.register(registry)
				.increment();
		}
	}

}
