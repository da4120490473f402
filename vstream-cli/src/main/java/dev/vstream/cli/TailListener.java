package dev.vstream.cli;

import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import dev.vstream.listener.DdlEvent;
import dev.vstream.listener.DdlListenerEndpoint;
import dev.vstream.listener.ListenerMethodAdapter;
import dev.vstream.listener.RowChange;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.listener.VStreamListenerEndpointRegistry;
import dev.vstream.mapping.RowMapperFactory;
import dev.vstream.position.StreamPosition;
import dev.vstream.stream.CopyProgress;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamEvent;
import dev.vstream.stream.VStreamFailedEvent;
import dev.vstream.stream.VStreamMonitor;
import dev.vstream.stream.VStreamStoppedEvent;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationListener;
import org.springframework.util.ReflectionUtils;

/**
 * The listener of a tail: registered programmatically with the starter's
 * {@link VStreamListenerEndpointRegistry} (a {@link VStreamListenerEndpoint} of
 * {@code RowChange<Map>} rows and a {@link DdlListenerEndpoint}), so the auto-configured
 * container streams and decodes the table as it does for {@code @VStreamListener}
 * methods. Watches the stream as its {@link VStreamMonitor} (positions, heartbeats, the
 * end of the copy) and its events (a failure, the end), and completes {@link #exitCode()}
 * when the tail is done.
 */
final class TailListener implements VStreamMonitor, ApplicationListener<VStreamEvent> {

	/** How often --verbose prints the copy's progress. */
	private static final Duration COPY_PROGRESS_INTERVAL = Duration.ofSeconds(1);

	private final TailOptions options;

	private final ChangePrinter printer;

	private final AtomicLong printed = new AtomicLong();

	private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();

	private volatile @Nullable String failure;

	private @Nullable StreamPosition lastPosition;

	private @Nullable Instant lastHeartbeat;

	private @Nullable StreamState lastState;

	private long lastProgressNanos = System.nanoTime();

	TailListener(TailOptions options, ChangePrinter printer) {
		this.options = options;
		this.printer = printer;
	}

	/**
	 * Register the listener endpoints of the tailed table.
	 * @param registry the starter's registry
	 * @param mappers the starter's row mappers
	 */
	void register(VStreamListenerEndpointRegistry registry, RowMapperFactory mappers) {
		Method method = ReflectionUtils.findMethod(TailListener.class, "onChange", RowChange.class);
		VStreamListenerEndpoint endpoint = new VStreamListenerEndpoint("tail", this.options.keyspace(),
				this.options.table(), Set.of(), true,
				new ListenerMethodAdapter(this, Objects.requireNonNull(method), mappers));
		// Pushed down: vtgate sends only the rows that match (the starter checks in the
		// JVM what vtgate cannot).
		endpoint.setWhere(this.options.where());
		registry.register(endpoint);
		registry.registerDdlListener(new DdlListenerEndpoint("tail-ddl", this.options.keyspace(), this::onDdl));
	}

	/**
	 * Print a change, unless the limit was reached.
	 * @param change the change
	 */
	public void onChange(RowChange<Map<String, @Nullable Object>> change) {
		if (this.exitCode.isDone()) {
			return;
		}
		this.printer.change(change);
		if (this.options.limit() > 0 && this.printed.incrementAndGet() >= this.options.limit()) {
			this.exitCode.complete(0);
		}
	}

	private void onDdl(DdlEvent ddl) {
		if (this.exitCode.isDone()) {
			return;
		}
		// Vitess streams every DDL of the keyspace; those naming the table matter here.
		if (this.options.verbose()
				|| ddl.statement().toLowerCase(Locale.ROOT).contains(this.options.table().toLowerCase(Locale.ROOT))) {
			this.printer.ddl(ddl);
		}
	}

	@Override
	public void responseReceived(VStreamContainer container, int events) {
		observe(container);
	}

	@Override
	public void checkpointSaved(VStreamContainer container, StreamPosition position, long nanos) {
		observe(container);
		if (this.options.verbose() && !position.equals(this.lastPosition) && !this.exitCode.isDone()) {
			this.lastPosition = position;
			this.printer.position(position);
		}
	}

	/**
	 * The state and heartbeat time of the stream as it is now; called on the stream's
	 * thread, as vtgate's responses are handled.
	 */
	private void observe(VStreamContainer container) {
		if (!this.options.verbose() || this.exitCode.isDone()) {
			return;
		}
		StreamState state = container.getState();
		if (this.lastState == StreamState.COPYING && state == StreamState.STREAMING) {
			this.printer.copyCompleted();
		}
		if (state == StreamState.COPYING) {
			printCopyProgress(container);
		}
		this.lastState = state;
		Instant heartbeat = container.getLastHeartbeatTime();
		if (heartbeat != null && !heartbeat.equals(this.lastHeartbeat)) {
			this.lastHeartbeat = heartbeat;
			this.printer.heartbeat(heartbeat);
		}
	}

	/** At most once a second: how far the copy of the tailed table is. */
	private void printCopyProgress(VStreamContainer container) {
		long now = System.nanoTime();
		if (now - this.lastProgressNanos < COPY_PROGRESS_INTERVAL.toNanos()) {
			return;
		}
		for (CopyProgress progress : container.getCopyProgress()) {
			if (progress.keyspace().equals(this.options.keyspace()) && progress.table().equals(this.options.table())
					&& !progress.completed()) {
				this.lastProgressNanos = now;
				this.printer.copyProgress(progress);
			}
		}
	}

	@Override
	public void onApplicationEvent(VStreamEvent event) {
		if (event instanceof VStreamFailedEvent failed) {
			this.failure = failed.getCause().getMessage();
			this.exitCode.complete(1);
		}
		else if (event instanceof VStreamStoppedEvent stopped) {
			this.exitCode.complete((stopped.getReason() == VStreamStoppedEvent.Reason.FAILED) ? 1 : 0);
		}
	}

	/**
	 * @return completed with the exit code when the tail is done
	 */
	CompletableFuture<Integer> exitCode() {
		return this.exitCode;
	}

	/**
	 * @return why the stream failed, {@code null} if it did not
	 */
	@Nullable String failure() {
		return this.failure;
	}

}
