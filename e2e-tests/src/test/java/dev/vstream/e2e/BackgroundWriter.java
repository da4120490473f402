package dev.vstream.e2e;

import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Writes on a thread of its own while a test kills, restarts or watches applications; the
 * returned future completes when the writing is done, exceptionally if it failed, so that
 * a test asserts on it ({@code assertThat(writer).succeedsWithin(timeout)}) instead of
 * keeping a thread and its failure apart.
 */
final class BackgroundWriter {

	private BackgroundWriter() {
	}

	/**
	 * Run statements on one vtgate connection in the background.
	 * @param keyspace the keyspace connected to
	 * @param work what to write
	 * @return the writing, done when {@code work} returns
	 */
	static CompletableFuture<Void> statements(String keyspace, StatementWork work) {
		return start("writer-" + keyspace, () -> {
			try (Connection connection = LocalVitess.vtgate(keyspace);
					Statement statement = connection.createStatement()) {
				work.write(statement);
			}
		});
	}

	/**
	 * Run some work in the background, on a thread of its own (not the common pool, which
	 * has one thread on a small machine and is not for blocking I/O).
	 * @param name the thread's name
	 * @param work the work
	 * @return the work, done when it returns
	 */
	static CompletableFuture<Void> start(String name, Work work) {
		return CompletableFuture.runAsync(() -> {
			try {
				work.run();
			}
			catch (Exception ex) {
				throw new CompletionException(ex);
			}
		}, (runnable) -> new Thread(runnable, name).start());
	}

	/** Work that may throw. */
	@FunctionalInterface
	interface Work {

		void run() throws Exception;

	}

	/** Statements to run on a vtgate connection. */
	@FunctionalInterface
	interface StatementWork {

		void write(Statement statement) throws Exception;

	}

}
