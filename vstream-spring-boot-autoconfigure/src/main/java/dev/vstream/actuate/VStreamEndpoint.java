package dev.vstream.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import dev.vstream.listener.ListenerStatistics;
import dev.vstream.listener.Operation;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.position.ShardPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.scaling.ScalingStatus;
import dev.vstream.stream.CopyProgress;
import dev.vstream.stream.StreamStart;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.Selector.Match;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.util.Assert;

/**
 * {@link Endpoint @Endpoint} exposing the streams: state, position, counters and
 * listeners of each ({@code GET /actuator/vstream}, {@code GET /actuator/vstream/{id}}),
 * and controlling one ({@code POST /actuator/vstream/{id}} with {@code {"action":
 * "..."}}): {@code start}, {@code stop}, {@code pause}, {@code resume}, {@code restart},
 * and {@code reset} of a stopped stream's saved position (with
 * {@code "position": "copy" | "current" | "<VGtid JSON>"}, or without a position to
 * delete it).
 *
 * <p>
 * Access defaults to {@linkplain Access#READ_ONLY read-only}: stopping a stream stops the
 * application's reaction to database changes, so the write operation is available only
 * once {@code management.endpoint.vstream.access=unrestricted} is set. An action that
 * cannot be done safely in the stream's state is refused with an
 * {@link IllegalStateException} saying why (HTTP 409 through
 * {@link VStreamWebEndpointExtension}).
 */
@Endpoint(id = "vstream", defaultAccess = Access.READ_ONLY)
public class VStreamEndpoint {

	private final Supplier<? extends Collection<VStreamContainer>> containers;

	private final Clock clock;

	private volatile Supplier<? extends List<ScalingStatus>> scaling = List::of;

	/**
	 * Create an endpoint for a fixed set of streams.
	 * @param containers the streams
	 */
	public VStreamEndpoint(Collection<VStreamContainer> containers) {
		this(copy(containers));
	}

	/**
	 * Create an endpoint.
	 * @param containers supplies the streams, on each request
	 */
	public VStreamEndpoint(Supplier<? extends Collection<VStreamContainer>> containers) {
		this(containers, Clock.systemUTC());
	}

	/**
	 * Create an endpoint with its own clock.
	 * @param containers supplies the streams, on each request
	 * @param clock the clock the lag is measured with
	 */
	public VStreamEndpoint(Supplier<? extends Collection<VStreamContainer>> containers, Clock clock) {
		Assert.notNull(containers, "'containers' must not be null");
		Assert.notNull(clock, "'clock' must not be null");
		this.containers = containers;
		this.clock = clock;
	}

	/**
	 * Show who owns which stream or shard, for streams run by several instances
	 * ({@code vstream.scaling.mode} other than single).
	 * @param scaling supplies the status of each scaled stream, on each request
	 */
	public void setScaling(Supplier<? extends List<ScalingStatus>> scaling) {
		Assert.notNull(scaling, "'scaling' must not be null");
		this.scaling = scaling;
	}

	private static Supplier<Collection<VStreamContainer>> copy(Collection<VStreamContainer> containers) {
		Assert.notNull(containers, "'containers' must not be null");
		List<VStreamContainer> fixed = List.copyOf(containers);
		return () -> fixed;
	}

	/**
	 * Describe every stream.
	 * @return the streams, in the order they are supplied
	 */
	@ReadOperation
	public StreamsDescriptor streams() {
		Instant now = this.clock.instant();
		List<ScalingStatus> scaled = this.scaling.get();
		return new StreamsDescriptor(this.containers.get().stream().map((c) -> describe(c, now)).toList(),
				scaled.isEmpty() ? null : scaled);
	}

	/**
	 * Describe one stream.
	 * @param id the stream id, as the segments of the path after the endpoint's (a shard
	 * stream's id, {@code <id>@<keyspace>/<shard>}, has two)
	 * @return the stream, or {@code null} (HTTP 404) when there is no stream with that id
	 */
	@ReadOperation
	public @Nullable StreamDescriptor stream(@Selector(match = Match.ALL_REMAINING) String... id) {
		VStreamContainer container = find(String.join("/", id));
		return (container != null) ? describe(container, this.clock.instant()) : null;
	}

	/**
	 * Control a stream.
	 * <ul>
	 * <li>{@code start}: connect and resume from the saved position, so a stream that
	 * {@linkplain StreamState#FAILED failed} can be restarted once the cause is
	 * fixed;</li>
	 * <li>{@code stop}: finish the transaction in hand (up to
	 * {@code vstream.stop-timeout} for its rest), save the position and disconnect;</li>
	 * <li>{@code pause}: finish the transaction in hand, save the position and stop
	 * pulling from vtgate while staying connected ({@link StreamState#PAUSED PAUSED},
	 * health UP);</li>
	 * <li>{@code resume}: carry on after a pause;</li>
	 * <li>{@code restart}: stop (if running), then start;</li>
	 * <li>{@code reset}: replace the saved position of a stopped stream, so that its next
	 * start begins at {@code position}: {@code copy} (existing rows again, then live),
	 * {@code current} (changes from that start on) or a VGtid in the JSON form the offset
	 * stores keep; without a position, the saved one is deleted and the next start
	 * follows {@code vstream.start-position}.</li>
	 * </ul>
	 * @param id the stream id
	 * @param action the action
	 * @param position for {@code reset} only: where the next start begins
	 * @param listener the id of one listener of the stream, to {@code start} or
	 * {@code stop} only that listener (the stream goes on; a stopped listener misses the
	 * changes the stream passes meanwhile)
	 * @return the stream after the action, or {@code null} (HTTP 404) when there is no
	 * stream with that id
	 * @throws IllegalStateException when the action is unsafe or meaningless in the
	 * stream's state (for example a reset while running, a resume of a stream that is not
	 * paused)
	 * @throws InvalidEndpointRequestException (HTTP 400) for an unknown action or an
	 * unreadable position
	 */
	@WriteOperation
	public @Nullable StreamDescriptor control(@Selector(match = Match.ALL_REMAINING) String[] id, String action,
			@Nullable String position, @Nullable String listener) {
		return control(String.join("/", id), action, position, listener);
	}

	/**
	 * Control a stream, as {@link #control(String[], String, String, String)}.
	 * @param id the stream id
	 * @param action the action
	 * @param position for {@code reset} only: where the next start begins
	 * @param listener the id of one listener of the stream, to start or stop only it
	 * @return the stream after the action, or {@code null} when there is no stream with
	 * that id
	 */
	public @Nullable StreamDescriptor control(String id, String action, @Nullable String position,
			@Nullable String listener) {
		VStreamContainer container = find(id);
		if (container == null) {
			return null;
		}
		if (listener != null && !listener.isBlank()) {
			StreamActions.applyToListener(container, listener, action, position);
		}
		else {
			StreamActions.apply(container, action, position);
		}
		return describe(container, this.clock.instant());
	}

	private @Nullable VStreamContainer find(String id) {
		for (VStreamContainer container : this.containers.get()) {
			if (container.getId().equals(id)) {
				return container;
			}
		}
		return null;
	}

	private static StreamDescriptor describe(VStreamContainer container, Instant now) {
		StreamPosition position = container.getPosition();
		StreamStart start = container.getStart();
		Duration lag = StreamReport.lag(container, now);
		String defaultKeyspace = container.getSettings().defaultKeyspace();
		List<ListenerDescriptor> listeners = container.getEndpoints()
			.stream()
			.map((endpoint) -> ListenerDescriptor.of(endpoint, defaultKeyspace))
			.toList();
		List<String> tables = listeners.stream().map((l) -> l.keyspace() + "." + l.table()).distinct().toList();
		return new StreamDescriptor(container.getId(), tables, container.getState(), container.isRunning(),
				container.isAutoStartup(), StreamReport.message(container.getLastError()),
				(position != null) ? PositionDescriptor.of(position) : null, container.getLastEventTime(),
				container.getLastCommitTime(), (lag != null) ? lag.toMillis() : null, container.getEventsReceived(),
				container.getChangesHandled(), container.getChangesFailed(), container.getReconnects(),
				container.getOffsetStoreUnavailableSince(), StreamReport.startedFrom(start),
				(start != null) && start.withoutSavedPosition(), (start != null) ? start.ranBefore() : null,
				CopyDescriptor.of(container.getCopyProgress()), listeners);
	}

	/**
	 * All streams.
	 *
	 * @param streams the streams
	 * @param scaling for streams shared by several instances: this instance's id and the
	 * owner of each shard (or of the whole stream in active-standby mode); {@code null}
	 * in single mode
	 */
	public record StreamsDescriptor(List<StreamDescriptor> streams,
			@Nullable List<ScalingStatus> scaling) implements OperationResponseBody {

		/**
		 * Streams of a single instance.
		 * @param streams the streams
		 */
		public StreamsDescriptor(List<StreamDescriptor> streams) {
			this(streams, null);
		}

	}

	/**
	 * One stream.
	 *
	 * @param id the stream id
	 * @param tables the tables its listeners listen to, as {@code keyspace.table}
	 * @param state the life-cycle state
	 * @param running whether the stream is started (also while reconnecting)
	 * @param autoStartup whether the stream starts with the application
	 * @param lastError the message of the error that failed the stream or caused the last
	 * reconnect
	 * @param position the position reached by handled changes, {@code null} before the
	 * first
	 * @param lastEventTime when the last event was received
	 * @param lastCommitTime the commit time of the last handled change (second precision)
	 * @param lagMillis milliseconds since {@code lastCommitTime}, or since vtgate's last
	 * idle heartbeat when that is later: the lag while changes flow, an upper bound of it
	 * on a quiet table
	 * @param eventsReceived events received from vtgate since start-up
	 * @param changesHandled listener calls that completed
	 * @param changesFailed changes that failed (mapping or listener)
	 * @param reconnects reconnects since start-up
	 * @param offsetStoreUnavailableSince since when the offset store has been failing (or
	 * a save hanging): the stream takes nothing from vtgate meanwhile; {@code null} while
	 * it answers
	 * @param startedFrom what the last start began from: {@code saved-position},
	 * {@code start-vgtid}, {@code copy} or {@code current}; {@code null} before the first
	 * start
	 * @param startedWithoutSavedPosition whether the last start found no saved position
	 * @param ranBefore whether the stream's run marker says it ran before that start;
	 * {@code null} before the first start or when there is no readable marker. With
	 * {@code startedWithoutSavedPosition}, {@code true} means the offset store lost the
	 * position
	 * @param copy the progress of the copy phase, per table whose copy began since the
	 * last start (and the last values after it finished); {@code null} when the start
	 * copied nothing
	 * @param listeners the listeners of the stream
	 */
	public record StreamDescriptor(String id, List<String> tables, StreamState state, boolean running,
			boolean autoStartup, @Nullable String lastError, @Nullable PositionDescriptor position,
			@Nullable Instant lastEventTime, @Nullable Instant lastCommitTime, @Nullable Long lagMillis,
			long eventsReceived, long changesHandled, long changesFailed, long reconnects,
			@Nullable Instant offsetStoreUnavailableSince, @Nullable String startedFrom,
			boolean startedWithoutSavedPosition, @Nullable Boolean ranBefore, @Nullable List<CopyDescriptor> copy,
			List<ListenerDescriptor> listeners) implements OperationResponseBody {

	}

	/**
	 * The copy phase of one table.
	 *
	 * @param keyspace the keyspace
	 * @param table the table
	 * @param state {@code copying} or {@code copied}
	 * @param rowsCopied rows copied since the last start (a resumed copy counts from its
	 * saved primary key on)
	 * @param estimatedRows the table's row count as the database estimates it (InnoDB's
	 * {@code table_rows}, summed over the shards), {@code null} when vtgate could not
	 * tell
	 * @param percent the part of the estimate copied (at most 99 until copied)
	 * @param rowsPerSecond rows per second over the last half minute
	 * @param remainingSeconds time left at that rate, {@code null} when not known
	 * @param startedAt when the table's first copied rows arrived
	 * @param completedAt when its copy finished
	 * @param resumed whether the start resumed a copy an earlier run began
	 */
	public record CopyDescriptor(String keyspace, String table, String state, long rowsCopied,
			@Nullable Long estimatedRows, @Nullable Integer percent, long rowsPerSecond,
			@Nullable Long remainingSeconds, Instant startedAt, @Nullable Instant completedAt, boolean resumed) {

		static @Nullable List<CopyDescriptor> of(List<CopyProgress> progress) {
			if (progress.isEmpty()) {
				return null;
			}
			return progress.stream()
				.map((p) -> new CopyDescriptor(p.keyspace(), p.table(), p.completed() ? "copied" : "copying",
						p.rowsCopied(), p.estimatedRows(), p.percent(), Math.round(p.rowsPerSecond()),
						(p.remaining() != null) ? p.remaining().toSeconds() : null, p.startedAt(), p.completedAt(),
						p.resumed()))
				.toList();
		}

	}

	/**
	 * A stream position.
	 *
	 * @param shards one entry per keyspace and shard
	 */
	public record PositionDescriptor(List<ShardDescriptor> shards) {

		static PositionDescriptor of(StreamPosition position) {
			return new PositionDescriptor(position.shards().stream().map(ShardDescriptor::of).toList());
		}

	}

	/**
	 * The position of one shard.
	 *
	 * @param keyspace the keyspace
	 * @param shard the shard, empty for the whole keyspace
	 * @param gtid the GTID set reached, empty while the copy phase has not begun
	 * @param copyingTables tables whose copy phase is not finished
	 */
	public record ShardDescriptor(String keyspace, String shard, String gtid, List<String> copyingTables) {

		static ShardDescriptor of(ShardPosition shard) {
			return new ShardDescriptor(shard.keyspace(), shard.shard(), shard.gtid(), shard.copyingTables());
		}

	}

	/**
	 * A listener of a stream.
	 *
	 * @param id the listener id
	 * @param keyspace the keyspace, the stream's default keyspace when the listener names
	 * none
	 * @param table the table
	 * @param operations the operations delivered
	 * @param running whether changes are currently delivered to the listener
	 * @param autoStartup whether the listener runs when its stream starts
	 * @param changesHandled calls of the listener that completed
	 * @param changesFailed calls of the listener that threw (before retries)
	 * @param lastHandledTime when the last call completed
	 * @param lastError the message of what the last failed call threw
	 */
	public record ListenerDescriptor(String id, String keyspace, String table, Set<Operation> operations,
			boolean running, boolean autoStartup, long changesHandled, long changesFailed,
			@Nullable Instant lastHandledTime, @Nullable String lastError) {

		static ListenerDescriptor of(VStreamListenerEndpoint endpoint, String defaultKeyspace) {
			String keyspace = endpoint.getKeyspace().isEmpty() ? defaultKeyspace : endpoint.getKeyspace();
			ListenerStatistics statistics = endpoint.getStatistics();
			// A copy: the endpoint's own set must not be changed through a response.
			return new ListenerDescriptor(endpoint.getId(), keyspace, endpoint.getTable(),
					Collections.unmodifiableSet(EnumSet.copyOf(endpoint.getOperations())), endpoint.isRunning(),
					endpoint.isAutoStartup(), statistics.getHandled(), statistics.getFailed(),
					statistics.getLastHandledTime(), StreamReport.message(statistics.getLastError()));
		}

	}

}
