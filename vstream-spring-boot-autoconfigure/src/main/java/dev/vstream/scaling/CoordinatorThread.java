package dev.vstream.scaling;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The one thread on which a coordinator does its periodic work, on a single-thread
 * {@link ThreadPoolTaskScheduler}: the locks of Spring Integration's registries belong to
 * the thread that took them, so the rounds that take and renew them and the final task
 * that releases them must all run on the same thread. One instance serves one start; a
 * restart makes a new one.
 */
final class CoordinatorThread {

	private static final Log logger = LogFactory.getLog(CoordinatorThread.class);

	private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

	private @Nullable ScheduledFuture<?> rounds;

	private volatile @Nullable Thread thread;

	/**
	 * Create a stopped thread.
	 * @param name the thread's name (prefix)
	 * @param daemon whether the thread lets the JVM exit; a non-daemon one keeps an
	 * application without other work alive, like a stream's own thread
	 */
	CoordinatorThread(String name, boolean daemon) {
		this.scheduler.setPoolSize(1);
		this.scheduler.setThreadNamePrefix(name + "-");
		this.scheduler.setDaemon(daemon);
		// Shut down without interrupting the round in progress and without cancelling the
		// last task.
		this.scheduler.setWaitForTasksToCompleteOnShutdown(true);
	}

	/**
	 * Run a round now and then, each after the previous one ended. A round that throws is
	 * logged by the scheduler and the next one runs all the same.
	 * @param round the work of one round
	 * @param initialDelay how long before the first round
	 * @param interval the pause between the end of a round and the start of the next
	 */
	synchronized void start(Runnable round, Duration initialDelay, Duration interval) {
		this.scheduler.initialize();
		this.rounds = this.scheduler.scheduleWithFixedDelay(() -> {
			this.thread = Thread.currentThread();
			round.run();
		}, Instant.now().plus(initialDelay), interval);
	}

	/**
	 * Stop the rounds (one in progress ends first), run a last task on the thread and end
	 * it.
	 * @param last the last task, {@code null} for none
	 * @param await whether to wait for the round in progress and the last task to end
	 * (not done when called from the thread itself, which finishes them after returning)
	 */
	synchronized void stop(@Nullable Runnable last, boolean await) {
		ScheduledFuture<?> scheduled = this.rounds;
		if (scheduled == null) {
			return;
		}
		this.rounds = null;
		scheduled.cancel(false);
		Future<?> ended = this.scheduler.submit((last != null) ? last : () -> {
		});
		this.scheduler.shutdown();
		if (!await || Thread.currentThread() == this.thread) {
			return;
		}
		try {
			ended.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException ex) {
			logger.warn("The last task of " + this.scheduler.getThreadNamePrefix() + " failed", ex.getCause());
		}
	}

}
