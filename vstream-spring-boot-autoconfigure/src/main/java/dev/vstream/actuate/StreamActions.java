package dev.vstream.actuate;

import java.util.List;
import java.util.Locale;

import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

/**
 * The actions of {@link VStreamEndpoint#control}: each checks that it is safe and
 * meaningful in the stream's state and refuses with an {@link IllegalStateException}
 * saying why, rather than doing nothing.
 */
final class StreamActions {

	private static final List<String> ACTIONS = List.of("start", "stop", "pause", "resume", "restart", "reset");

	private static final List<String> LISTENER_ACTIONS = List.of("start", "stop");

	private StreamActions() {
	}

	/**
	 * Start or stop one listener of a stream; the stream goes on either way. A stopped
	 * listener misses the changes its stream passes meanwhile: they are not delivered to
	 * it later.
	 * @param container the stream
	 * @param listenerId the listener's id
	 * @param action {@code start} or {@code stop}
	 * @param position must be empty: listeners have no position of their own
	 * @throws InvalidEndpointRequestException for another action, a position, or a
	 * listener the stream does not have
	 */
	static void applyToListener(VStreamContainer container, String listenerId, String action,
			@Nullable String position) {
		String name = action.trim().toLowerCase(Locale.ROOT);
		if (!LISTENER_ACTIONS.contains(name) || (position != null && !position.isBlank())) {
			throw new InvalidEndpointRequestException(
					"A listener takes only the actions " + LISTENER_ACTIONS + " and no position, not '" + action + "'",
					"A listener takes only the actions " + LISTENER_ACTIONS + " and no position");
		}
		VStreamListenerEndpoint listener = container.getEndpoints()
			.stream()
			.filter((endpoint) -> endpoint.getId().equals(listenerId))
			.findFirst()
			.orElseThrow(() -> new InvalidEndpointRequestException(
					"Stream '" + container.getId() + "' has no listener '" + listenerId + "'",
					"The stream has no such listener"));
		listener.setRunning(name.equals("start"));
	}

	/**
	 * Apply an action to a stream.
	 * @param container the stream
	 * @param action the action's name
	 * @param position for {@code reset} only: where the next start begins
	 * @throws IllegalStateException when the action is unsafe or meaningless now
	 * @throws InvalidEndpointRequestException for an unknown action or an unreadable
	 * position
	 */
	static void apply(VStreamContainer container, String action, @Nullable String position) {
		String name = action.trim().toLowerCase(Locale.ROOT);
		if (position != null && !position.isBlank() && !name.equals("reset")) {
			throw new InvalidEndpointRequestException("A position is only taken by 'reset', not by '" + action + "'",
					"A position is only taken by 'reset'");
		}
		switch (name) {
			case "start" -> start(container);
			case "stop" -> stop(container);
			case "pause" -> pause(container);
			case "resume" -> resume(container);
			case "restart" -> restart(container);
			case "reset" -> reset(container, position);
			default -> throw new InvalidEndpointRequestException(
					"Unknown action '" + action + "' for stream '" + container.getId() + "'; use one of " + ACTIONS,
					"Unknown action; use one of " + ACTIONS);
		}
	}

	private static void start(VStreamContainer container) {
		// Refused rather than ignored: the caller asked for a change that would not
		// happen, and should learn why instead of reading an unchanged state.
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

	private static void stop(VStreamContainer container) {
		if (!container.isRunning()) {
			throw new IllegalStateException(
					"Stream '" + container.getId() + "' is not running (" + container.getState() + ")");
		}
		container.stop();
	}

	private static void pause(VStreamContainer container) {
		if (!container.isRunning()) {
			throw new IllegalStateException("Stream '" + container.getId() + "' is not running (" + container.getState()
					+ "); only a running stream can be paused");
		}
		if (container.isPaused()) {
			throw new IllegalStateException("Stream '" + container.getId() + "' is already paused");
		}
		container.pause();
	}

	private static void resume(VStreamContainer container) {
		if (!container.isRunning() || !container.isPaused()) {
			throw new IllegalStateException("Stream '" + container.getId() + "' is not paused (" + container.getState()
					+ ")" + (container.isRunning() ? "" : "; use 'start' to start it"));
		}
		container.resume();
	}

	private static void restart(VStreamContainer container) {
		if (container.getEndpoints().isEmpty()) {
			throw new IllegalStateException(
					"Stream '" + container.getId() + "' has no listeners; starting it would stream nothing");
		}
		if (container.isRunning()) {
			container.stop();
		}
		container.start();
	}

	private static void reset(VStreamContainer container, @Nullable String position) {
		if (container.isRunning()) {
			throw new IllegalStateException("Stream '" + container.getId() + "' is running (" + container.getState()
					+ "); stop it before resetting its position, then start it");
		}
		StreamPosition start = parse(container, position);
		try {
			container.resetPosition(start);
		}
		catch (VStreamException ex) {
			// A position of other keyspaces: refused, and the saved position is left as
			// it is.
			throw new IllegalStateException(ex.getMessage(), ex);
		}
		catch (IllegalArgumentException ex) {
			// Shards the keyspace does not have: the request is wrong, whatever the
			// stream's state.
			throw new InvalidEndpointRequestException(ex.getMessage(),
					"Position names shards that are not shards of its keyspaces");
		}
	}

	private static @Nullable StreamPosition parse(VStreamContainer container, @Nullable String position) {
		if (position == null || position.isBlank()) {
			return null;
		}
		String value = position.trim();
		for (StartPosition start : StartPosition.values()) {
			if (start.name().equalsIgnoreCase(value)) {
				return container.positionAt(start);
			}
		}
		try {
			return StreamPosition.fromJson(value);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException("Position of stream '" + container.getId()
					+ "' must be 'copy', 'current' or a VGtid in JSON: " + ex.getMessage(),
					"Position must be 'copy', 'current' or a VGtid in JSON");
		}
	}

}
