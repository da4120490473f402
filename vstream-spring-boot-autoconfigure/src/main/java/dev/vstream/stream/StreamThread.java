package dev.vstream.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.jspecify.annotations.Nullable;

import org.springframework.core.task.TaskExecutor;

/**
 * The thread a stream runs on: taken from a task executor (by default a platform thread
 * of its own, named {@code vstream-<id>}), followed from its start to its end so that a
 * stop can wait for it or call back once it ended.
 *
 * <p>
 * Concurrency: {@link #start} and {@link #running} are called under the container's
 * lifecycle monitor, the lock given here, which also guards the run in progress and the
 * stop callbacks; the stream thread takes it once, when its run ends.
 */
final class StreamThread {

	private final Object lock;

	private volatile @Nullable TaskExecutor executor;

	private @Nullable Run current;

	private final List<Runnable> stopCallbacks = new ArrayList<>();

	StreamThread(Object lock) {
		this.lock = lock;
	}

	void setExecutor(@Nullable TaskExecutor executor) {
		this.executor = executor;
	}

	@Nullable TaskExecutor getExecutor() {
		return this.executor;
	}

	/**
	 * Run the work on a thread of the executor; called under the lock.
	 * @param name the name of a thread of the default executor
	 * @param work the stream's work
	 * @throws RuntimeException when the executor refuses the work (nothing runs then)
	 */
	void start(String name, Runnable work) {
		Run run = new Run();
		this.current = run;
		try {
			executor(name).execute(() -> run(run, work));
		}
		catch (RuntimeException ex) {
			this.current = null;
			throw ex;
		}
	}

	private TaskExecutor executor(String name) {
		TaskExecutor executor = this.executor;
		if (executor != null) {
			return executor;
		}
		// Non-daemon: a stream stops with the application context, not when the main
		// thread ends.
		return (task) -> {
			Thread thread = new Thread(task, name);
			thread.setDaemon(false);
			thread.start();
		};
	}

	private void run(Run run, Runnable work) {
		run.thread = Thread.currentThread();
		try {
			work.run();
		}
		finally {
			List<Runnable> callbacks;
			synchronized (this.lock) {
				if (this.current == run) {
					this.current = null;
				}
				callbacks = new ArrayList<>(this.stopCallbacks);
				this.stopCallbacks.clear();
			}
			run.ended.countDown();
			callbacks.forEach(Runnable::run);
		}
	}

	/**
	 * The run in progress, if any; called under the lock.
	 * @param stopCallback run once the run ended, {@code null} for none
	 * @return the run in progress (which then calls the callback back), {@code null} when
	 * none
	 */
	@Nullable Run running(@Nullable Runnable stopCallback) {
		Run run = this.current;
		if (run != null && stopCallback != null) {
			this.stopCallbacks.add(stopCallback);
		}
		return run;
	}

	/** One start's run: its thread, once the executor runs it, and its end. */
	static final class Run {

		private volatile @Nullable Thread thread;

		private final CountDownLatch ended = new CountDownLatch(1);

		/**
		 * Wait until the run ended, unless called on its own thread (a listener that
		 * stops its own stream).
		 */
		void awaitEnd() {
			if (this.thread == Thread.currentThread()) {
				return;
			}
			try {
				this.ended.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
