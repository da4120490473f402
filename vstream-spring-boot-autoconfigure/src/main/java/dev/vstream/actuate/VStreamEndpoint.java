package dev.vstream.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

import dev.vstream.listener.Operation;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.stream.ShardPosition;
import dev.vstream.stream.StreamPosition;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.util.Assert;

/**
 * {@link Endpoint @Endpoint} exposing the streams: state, position, counters and listeners of each
 * ({@code GET /actuator/vstream}, {@code GET /actuator/vstream/{id}}), and starting or stopping one
 * ({@code POST /actuator/vstream/{id}} with {@code {"action": "start"}} or {@code "stop"}).
 *
 * <p>Access defaults to {@linkplain Access#READ_ONLY read-only}: stopping a stream stops the
 * application's reaction to database changes, so the write operation is available only once
 * {@code management.endpoint.vstream.access=unrestricted} is set.
 */
@Endpoint(id = "vstream", defaultAccess = Access.READ_ONLY)
public class VStreamEndpoint {

	private final Supplier<? extends Collection<VStreamContainer>> containers;

	private final Clock clock;

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
		return new StreamsDescriptor(this.containers.get().stream().map((c) -> describe(c, now)).toList());
	}

	/**
	 * Describe one stream.
	 * @param id the stream id
	 * @return the stream, or {@code null} (HTTP 404) when there is no stream with that id
	 */
	@ReadOperation
	public @Nullable StreamDescriptor stream(@Selector String id) {
		VStreamContainer container = find(id);
		return (container != null) ? describe(container, this.clock.instant()) : null;
	}

	/**
	 * Start or stop a stream. Starting resumes from the stream's saved position, so a stream that
	 * {@linkplain StreamState#FAILED failed} can be restarted once the cause is fixed. Stopping
	 * waits for the change being handled to finish and keeps the position, so nothing is lost.
	 * @param id the stream id
	 * @param action {@code start} or {@code stop}
	 * @return the stream after the action, or {@code null} (HTTP 404) when there is no stream with
	 * that id
	 * @throws IllegalStateException when starting a running stream or one without listeners, or
	 * stopping a stream that is not running
	 * @throws InvalidEndpointRequestException (HTTP 400) for another action
	 */
	@WriteOperation
	public @Nullable StreamDescriptor control(@Selector String id, String action) {
		VStreamContainer container = find(id);
		if (container == null) {
			return null;
		}
		switch (action.trim().toLowerCase(Locale.ROOT)) {
			case "start" -> start(container);
			case "stop" -> stop(container);
			default -> throw new InvalidEndpointRequestException(
					"Unknown action '" + action + "' for stream '" + id + "'; use 'start' or 'stop'",
					"Unknown action; use 'start' or 'stop'");
		}
		return describe(container, this.clock.instant());
	}

	private void start(VStreamContainer container) {
		// Refused rather than ignored: the caller asked for a change that would not happen, and
		// should learn why instead of reading an unchanged state.
		if (container.isRunning()) {
			throw new IllegalStateException("Stream '" + container.getId() + "' is already running ("
					+ container.getState() + "); stop it first to restart it");
		}
		if (container.getEndpoints().isEmpty()) {
			throw new IllegalStateException(
					"Stream '" + container.getId() + "' has no listeners; starting it would stream nothing");
		}
		container.start();
	}

	private void stop(VStreamContainer container) {
		if (!container.isRunning()) {
			throw new IllegalStateException(
					"Stream '" + container.getId() + "' is not running (" + container.getState() + ")");
		}
		container.stop();
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
		Duration lag = StreamReport.lag(container, now);
		String defaultKeyspace = container.getSettings().defaultKeyspace();
		List<ListenerDescriptor> listeners = container.getEndpoints()
			.stream()
			.map((endpoint) -> ListenerDescriptor.of(endpoint, defaultKeyspace))
			.toList();
		return new StreamDescriptor(container.getId(), container.getState(), container.isRunning(),
				container.isAutoStartup(), StreamReport.message(container.getLastError()),
				(position != null) ? PositionDescriptor.of(position) : null, container.getLastEventTime(),
				container.getLastCommitTime(), (lag != null) ? lag.toMillis() : null, container.getEventsReceived(),
				container.getChangesHandled(), container.getChangesFailed(), container.getReconnects(), listeners);
	}

	/**
	 * All streams.
	 *
	 * @param streams the streams
	 */
	public record StreamsDescriptor(List<StreamDescriptor> streams) implements OperationResponseBody {

	}

	/**
	 * One stream.
	 *
	 * @param id the stream id
	 * @param state the life-cycle state
	 * @param running whether the stream is started (also while reconnecting)
	 * @param autoStartup whether the stream starts with the application
	 * @param lastError the message of the error that failed the stream or caused the last reconnect
	 * @param position the position reached by handled changes, {@code null} before the first
	 * @param lastEventTime when the last event was received
	 * @param lastCommitTime the commit time of the last handled change (second precision)
	 * @param lagMillis milliseconds since {@code lastCommitTime}: the lag while changes flow, an
	 * upper bound of it on a quiet table
	 * @param eventsReceived events received from vtgate since start-up
	 * @param changesHandled listener calls that completed
	 * @param changesFailed changes that failed (mapping or listener)
	 * @param reconnects reconnects since start-up
	 * @param listeners the listeners of the stream
	 */
	public record StreamDescriptor(String id, StreamState state, boolean running, boolean autoStartup,
			@Nullable String lastError, @Nullable PositionDescriptor position, @Nullable Instant lastEventTime,
			@Nullable Instant lastCommitTime, @Nullable Long lagMillis, long eventsReceived, long changesHandled,
			long changesFailed, long reconnects, List<ListenerDescriptor> listeners) implements OperationResponseBody {

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
	 * @param keyspace the keyspace, the stream's default keyspace when the listener names none
	 * @param table the table
	 * @param operations the operations delivered
	 * @param running whether changes are currently delivered to the listener
	 */
	public record ListenerDescriptor(String id, String keyspace, String table, Set<Operation> operations,
			boolean running) {

		static ListenerDescriptor of(VStreamListenerEndpoint endpoint, String defaultKeyspace) {
			String keyspace = endpoint.getKeyspace().isEmpty() ? defaultKeyspace : endpoint.getKeyspace();
			// A copy: the endpoint's own set must not be changed through a response.
			return new ListenerDescriptor(endpoint.getId(), keyspace, endpoint.getTable(),
					Collections.unmodifiableSet(EnumSet.copyOf(endpoint.getOperations())), endpoint.isRunning());
		}

	}

}
