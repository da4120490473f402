package dev.vstream.stream;

import java.time.Instant;
import java.util.function.ObjLongConsumer;

import dev.vstream.offset.OffsetRepository;
import dev.vstream.offset.PositionConflictException;
import dev.vstream.offset.SaveRefusedException;
import dev.vstream.position.StreamPosition;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionStatus;

/**
 * Keeps a stream's two positions, the one reached by handled changes and the one saved,
 * and saves the first when the {@link CheckpointPolicy} says so. With a transaction
 * manager, the listeners' work and the save share one transaction, begun before the first
 * listener call and committed with the save. Every call to the offset store is watched
 * ({@link OffsetStoreWatch}): a failing or hanging store shows as
 * {@link StreamState#STORE_UNAVAILABLE} and ends the session with an
 * {@link OffsetStoreUnavailableException}; a save the store refuses on purpose (a fence,
 * or the compare-and-set finding another instance's save) is passed on as it is.
 *
 * <p>
 * Concurrency: used by the stream's thread only, and by
 * {@code start()}/{@code resetPosition()} under the container's lock while that thread
 * does not run. The positions are volatile for readers on other threads.
 */
final class Checkpointer {

	private static final Log logger = LogFactory.getLog(Checkpointer.class);

	private final String id;

	private final OffsetRepository offsets;

	private final StreamStatus status;

	private final OffsetStoreWatch storeWatch = new OffsetStoreWatch();

	private final ObjLongConsumer<StreamPosition> saved;

	private final VStreamContainerOptions options;

	private volatile @Nullable StreamPosition position;

	private volatile @Nullable StreamPosition savedPosition;

	private int unsavedTransactions;

	private long lastSaveNanos;

	/**
	 * Whether a due save was put off while the stream kept up (see
	 * {@link #putOffNanosLeft}).
	 */
	private boolean putOff;

	private @Nullable TransactionStatus transaction;

	/**
	 * Create a checkpointer.
	 * @param id the stream id, also the key of its position
	 * @param offsets where positions are saved
	 * @param status where an unavailable store is reported
	 * @param options the checkpoint policy and transaction settings, read at each use
	 * @param saved called after each save with the position and how long the save took,
	 * in nanoseconds
	 */
	Checkpointer(String id, OffsetRepository offsets, StreamStatus status, VStreamContainerOptions options,
			ObjLongConsumer<StreamPosition> saved) {
		this.id = id;
		this.offsets = offsets;
		this.status = status;
		this.options = options;
		this.saved = saved;
	}

	OffsetStoreWatch getStoreWatch() {
		return this.storeWatch;
	}

	@Nullable StreamPosition getPosition() {
		return this.position;
	}

	@Nullable StreamPosition getSavedPosition() {
		return this.savedPosition;
	}

	/**
	 * Start over from a position, as loaded from the store or set by a reset: nothing is
	 * unsaved.
	 * @param position the position to stream from
	 * @param savedPosition the position the store holds, {@code null} for none
	 */
	void startFrom(@Nullable StreamPosition position, @Nullable StreamPosition savedPosition) {
		this.position = position;
		this.savedPosition = savedPosition;
		this.unsavedTransactions = 0;
		this.lastSaveNanos = System.nanoTime();
		this.putOff = false;
	}

	/**
	 * How long until a save put off while the stream kept up is to be made (see
	 * {@link CheckpointPolicy#groupMinInterval()}): the stream waits for more of vtgate's
	 * events at most that long, then calls {@link #savePutOff()}.
	 * @return nanoseconds, 0 when it is due now, -1 when no save is put off
	 */
	long putOffNanosLeft() {
		if (!this.putOff) {
			return -1;
		}
		long left = this.options.getCheckpointPolicy().groupMinInterval().toNanos()
				- (System.nanoTime() - this.lastSaveNanos);
		return Math.max(0, left);
	}

	/**
	 * Make the save put off while the stream kept up, between transactions, once nothing
	 * else arrived in time.
	 */
	void savePutOff() {
		if (this.putOff) {
			saveIfDue(true);
		}
	}

	/** Forget the outage of an earlier run. */
	void reset() {
		this.storeWatch.reset();
	}

	/**
	 * Every change before a position was handled.
	 * @param reached the position
	 * @return whether the position moved
	 */
	boolean reached(@Nullable StreamPosition reached) {
		// The end of a table's copy moves the tables covered, not always the VGtid.
		if (reached == null || reached.isSameAs(this.position)) {
			return false;
		}
		this.position = reached;
		this.unsavedTransactions++;
		return true;
	}

	/**
	 * Save the handled position when the policy says so (or when forced), committing the
	 * listeners' transaction with it; commit that transaction anyway when there is
	 * nothing to save.
	 * @param force whether to save now whatever the policy says
	 */
	void saveIfDue(boolean force) {
		saveIfDue(force, false);
	}

	/**
	 * Save the handled position when the policy says so (or when forced), unless the
	 * stream is behind and the policy groups saves under load (see
	 * {@link CheckpointPolicy}); commit the listeners' transaction with it, or anyway
	 * when there is nothing to save.
	 * @param force whether to save now whatever the policy says
	 * @param behind whether more of vtgate's events are already received and waiting
	 */
	void saveIfDue(boolean force, boolean behind) {
		StreamPosition handled = this.position;
		// Only a position vtgate sent after handled changes is worth saving: the
		// configured start ("current" in particular) must never be stored as if it had
		// been reached.
		if (handled == null || this.unsavedTransactions == 0) {
			commitTransaction();
			return;
		}
		CheckpointPolicy policy = this.options.getCheckpointPolicy();
		boolean due = force || this.unsavedTransactions >= policy.transactions() || (!policy.interval().isZero()
				&& System.nanoTime() - this.lastSaveNanos >= policy.interval().toNanos());
		if (!due) {
			return;
		}
		if (!force) {
			long sinceSave = System.nanoTime() - this.lastSaveNanos;
			if (behind && policy.groups(this.unsavedTransactions, sinceSave)) {
				return;
			}
			// Not with the listeners' transaction: put off, it would stay open between
			// transactions, and a broken call would roll it back and deliver its
			// transactions again.
			if (!behind && this.options.getTransactionManager() == null
					&& policy.putsOff(this.unsavedTransactions, sinceSave)) {
				this.putOff = true;
				return;
			}
		}
		long start = System.nanoTime();
		storeCall("save its position " + handled, () -> {
			beginTransaction();
			compareAndSave(handled);
			commitTransaction();
		});
		this.savedPosition = handled;
		this.unsavedTransactions = 0;
		this.lastSaveNanos = System.nanoTime();
		this.putOff = false;
		this.saved.accept(handled, System.nanoTime() - start);
	}

	/**
	 * Save through the store's compare-and-set. A stored position that is gone while this
	 * stream had saved one was lost by the store (Redis restarted without persistence, a
	 * truncated table), not taken by another instance, which would have stored a newer
	 * one: this stream's handled position is the truth then, and is saved again rather
	 * than given up for the configured start position, which would skip or repeat
	 * everything in between.
	 */
	private void compareAndSave(StreamPosition handled) {
		StreamPosition expected = this.savedPosition;
		try {
			this.offsets.compareAndSave(this.id, expected, handled);
		}
		catch (PositionConflictException ex) {
			if (expected == null || ex.getStored() != null) {
				throw ex;
			}
			logger.warn("Stream '" + this.id + "' found no stored position where it had saved " + expected
					+ ": the offset store lost it (Redis restarted without persistence, a truncated table?). "
					+ "Saving its handled position " + handled + " again.");
			this.offsets.compareAndSave(this.id, null, handled);
		}
	}

	/**
	 * Begin the transaction of the listeners' work, unless there is none or it is open
	 * already.
	 */
	void beginTransaction() {
		PlatformTransactionManager manager = this.options.getTransactionManager();
		if (manager != null && this.transaction == null) {
			storeCall("begin the transaction of its listeners' work",
					() -> this.transaction = manager.getTransaction(this.options.getTransactionDefinition()));
		}
	}

	private void commitTransaction() {
		TransactionStatus status = this.transaction;
		PlatformTransactionManager manager = this.options.getTransactionManager();
		if (status != null && manager != null) {
			this.transaction = null;
			storeCall("commit its listeners' work and position", () -> manager.commit(status));
		}
	}

	/**
	 * Undo the listeners' uncommitted work, which also takes the handled position back to
	 * the saved one, since those changes will come again.
	 */
	void rollback() {
		TransactionStatus status = this.transaction;
		PlatformTransactionManager manager = this.options.getTransactionManager();
		if (status != null && manager != null) {
			this.transaction = null;
			try {
				manager.rollback(status);
			}
			catch (RuntimeException ex) {
				logger.warn("Stream '" + this.id + "' could not roll back its transaction", ex);
			}
			this.position = this.savedPosition;
			this.unsavedTransactions = 0;
		}
	}

	/**
	 * Run a call to the offset store (or the transaction it shares), timed for health
	 * checks. A failure means the store is unavailable, except a save the store refused
	 * on purpose (a fence), which retrying cannot fix.
	 */
	private void storeCall(String what, Runnable call) {
		OffsetStoreWatch watch = this.storeWatch;
		watch.callStarted(Instant.now());
		try {
			call.run();
		}
		catch (SaveRefusedException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			OffsetStoreUnavailableException failure = new OffsetStoreUnavailableException(
					"Stream '" + this.id + "' could not " + what + ": " + ex.getMessage(), ex);
			// Set before the state shows the outage, so that no reader sees one without
			// the other.
			this.status.setLastError(failure);
			watch.failed(Instant.now());
			throw failure;
		}
		finally {
			watch.callEnded();
		}
		Instant failingSince = watch.succeeded();
		if (failingSince != null) {
			logger.info("Stream '" + this.id + "' reaches its offset store again (unavailable since " + failingSince
					+ "); carrying on from " + this.position);
			if (this.status.getLastError() instanceof OffsetStoreUnavailableException) {
				this.status.setLastError(null);
			}
		}
	}

}
