package dev.vstream.test;

import java.time.Duration;
import java.util.concurrent.Callable;

import dev.vstream.position.ShardPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Waits for a stream in a test: for a state, for the changes a {@link TestVtgate} pushed
 * to be handled by the listeners, for a reconnect. Each wait polls the stream (its
 * {@link VStreamContainer} bean) and fails with an {@link AssertionError} that says what
 * the stream is doing instead, at once when the stream has failed.
 *
 * <pre class="code">
 * VStreamTestUtils.awaitHandled(stream, vtgate.table("commerce", "corder").insert(order));
 * </pre>
 */
public final class VStreamTestUtils {

	/** How long a wait lasts unless told otherwise. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration POLL_INTERVAL = Duration.ofMillis(10);

	private VStreamTestUtils() {
	}

	/**
	 * Wait until a stream is in a state, for up to {@link #DEFAULT_TIMEOUT}.
	 * @param stream the stream
	 * @param state the state, such as {@link StreamState#STREAMING}
	 * @throws AssertionError when the stream is not in that state in time
	 */
	public static void awaitState(VStreamContainer stream, StreamState state) {
		awaitState(stream, state, DEFAULT_TIMEOUT);
	}

	/**
	 * Wait until a stream is in a state.
	 * @param stream the stream
	 * @param state the state, such as {@link StreamState#STREAMING}
	 * @param timeout how long to wait
	 * @throws AssertionError when the stream is not in that state in time
	 */
	public static void awaitState(VStreamContainer stream, StreamState state, Duration timeout) {
		await(stream, "reach state " + state, timeout, state == StreamState.FAILED, () -> stream.getState() == state);
	}

	/**
	 * Wait until the listeners of a stream handled everything up to a change pushed to a
	 * {@link TestVtgate}, for up to {@link #DEFAULT_TIMEOUT}: the stream's position
	 * includes the change's commit (the position moves once every listener call of the
	 * transaction returned).
	 * @param stream the stream
	 * @param commit what {@link TestTable#insert insert}, {@link TestTable#update
	 * update}, {@link TestTable#delete delete}, {@link TestVtgate#transaction
	 * transaction} or {@link TestVtgate#ddl ddl} returned
	 * @throws AssertionError when the change is not handled in time
	 */
	public static void awaitHandled(VStreamContainer stream, Commit commit) {
		awaitHandled(stream, commit, DEFAULT_TIMEOUT);
	}

	/**
	 * Wait until the listeners of a stream handled everything up to a change pushed to a
	 * {@link TestVtgate}.
	 * @param stream the stream
	 * @param commit what the push returned
	 * @param timeout how long to wait
	 * @throws AssertionError when the change is not handled in time
	 */
	public static void awaitHandled(VStreamContainer stream, Commit commit, Duration timeout) {
		await(stream, "handle the change committed at " + commit, timeout, false, () -> handled(stream, commit));
	}

	/**
	 * Do something that breaks a stream's connection (such as
	 * {@link TestVtgate#disconnect()}), then wait until the stream has reconnected and
	 * streams again, for up to {@link #DEFAULT_TIMEOUT}.
	 * @param stream the stream
	 * @param disconnect what breaks the connection
	 * @throws AssertionError when the stream does not stream again in time
	 */
	public static void awaitReconnect(VStreamContainer stream, Runnable disconnect) {
		awaitReconnect(stream, disconnect, DEFAULT_TIMEOUT);
	}

	/**
	 * Do something that breaks a stream's connection, then wait until the stream has
	 * reconnected and streams again.
	 * @param stream the stream
	 * @param disconnect what breaks the connection
	 * @param timeout how long to wait
	 * @throws AssertionError when the stream does not stream again in time
	 */
	public static void awaitReconnect(VStreamContainer stream, Runnable disconnect, Duration timeout) {
		long reconnects = stream.getReconnects();
		disconnect.run();
		await(stream, "reconnect and stream again", timeout, false,
				() -> stream.getReconnects() > reconnects && stream.getState() == StreamState.STREAMING);
	}

	private static boolean handled(VStreamContainer stream, Commit commit) {
		StreamPosition position = stream.getPosition();
		if (position == null) {
			return false;
		}
		for (ShardPosition shard : position.shards()) {
			if (shard.keyspace().equals(commit.keyspace()) && shard.shard().equals(commit.shard())) {
				return commit.isIncludedIn(shard.gtid());
			}
		}
		return false;
	}

	private static void await(VStreamContainer stream, String what, Duration timeout, boolean failureExpected,
			Callable<Boolean> condition) {
		try {
			Awaitility.await("stream '" + stream.getId() + "' to " + what)
				.atMost(timeout)
				.pollDelay(Duration.ZERO)
				.pollInterval(POLL_INTERVAL)
				.until(() -> {
					if (condition.call()) {
						return true;
					}
					if (!failureExpected && stream.getState() == StreamState.FAILED) {
						throw new AssertionError(message(stream, what, "failed"));
					}
					return false;
				});
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError(message(stream, what, "did not within " + timeout), ex);
		}
	}

	private static String message(VStreamContainer stream, String what, String outcome) {
		StringBuilder message = new StringBuilder("Stream '").append(stream.getId())
			.append("' was to ")
			.append(what)
			.append(" but ")
			.append(outcome)
			.append(": it is ")
			.append(stream.getState())
			.append(" at position ")
			.append(stream.getPosition())
			.append(", ")
			.append(stream.getChangesHandled())
			.append(" changes handled, ")
			.append(stream.getChangesFailed())
			.append(" failed, ")
			.append(stream.getReconnects())
			.append(" reconnects");
		Throwable error = stream.getLastError();
		if (error != null) {
			message.append("; last error: ").append(error);
		}
		return message.toString();
	}

}
