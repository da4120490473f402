package dev.vstream.stream;

import java.time.Duration;

import dev.vstream.offset.StreamRunMarker;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.util.Assert;

/**
 * How a {@link VStreamContainer} runs its stream: checkpoints and transactions, start-up
 * checks, timeouts (as spring-kafka's {@code ContainerProperties}). Kept in one object so
 * that a shard's stream ({@link VStreamContainer#forShard}) takes every option of the
 * stream it serves, including ones added later.
 *
 * <p>
 * Concurrency: meant to be set before the container starts (a
 * {@code VStreamContainerCustomizer} does it); the stream thread reads the values at each
 * use, so a later change applies from the next use on.
 */
public final class VStreamContainerOptions {

	private volatile CheckpointPolicy checkpointPolicy = CheckpointPolicy.EVERY_TRANSACTION;

	private volatile @Nullable PlatformTransactionManager transactionManager;

	private volatile TransactionDefinition transactionDefinition = TransactionDefinition.withDefaults();

	private volatile boolean verifyTables = true;

	private volatile boolean autoProject = true;

	private volatile @Nullable StreamRunMarker runMarker;

	private volatile boolean requireSavedPosition;

	private volatile boolean copyNewTables = true;

	private volatile Duration progressTimeout = Duration.ofMinutes(2);

	private volatile Duration stallTimeout = Duration.ofSeconds(10);

	private volatile Duration copyProgressLogInterval = Duration.ofSeconds(30);

	private volatile Duration stopTimeout = Duration.ofSeconds(10);

	/**
	 * @return when positions are saved
	 */
	public CheckpointPolicy getCheckpointPolicy() {
		return this.checkpointPolicy;
	}

	/**
	 * Set when positions are saved.
	 * @param checkpointPolicy the policy
	 */
	public void setCheckpointPolicy(CheckpointPolicy checkpointPolicy) {
		Assert.notNull(checkpointPolicy, "checkpointPolicy must not be null");
		this.checkpointPolicy = checkpointPolicy;
	}

	/**
	 * @return the transaction manager listeners' work and position saves share, if any
	 */
	public @Nullable PlatformTransactionManager getTransactionManager() {
		return this.transactionManager;
	}

	/**
	 * Run the listeners' work and the position save in one transaction of this manager,
	 * committed when the position is saved: with the offset store in the same database as
	 * the listeners' writes, a crash at any point neither loses nor repeats an effect.
	 * @param transactionManager the transaction manager, {@code null} for none
	 */
	public void setTransactionManager(@Nullable PlatformTransactionManager transactionManager) {
		this.transactionManager = transactionManager;
	}

	/**
	 * @return the attributes of the transaction listeners' work and position saves share
	 */
	public TransactionDefinition getTransactionDefinition() {
		return this.transactionDefinition;
	}

	/**
	 * Set the attributes of the transaction shared by the listeners' work and the
	 * position save (isolation, timeout...); {@link TransactionDefinition#withDefaults()}
	 * unless set.
	 * @param transactionDefinition the definition
	 */
	public void setTransactionDefinition(TransactionDefinition transactionDefinition) {
		Assert.notNull(transactionDefinition, "transactionDefinition must not be null");
		this.transactionDefinition = transactionDefinition;
	}

	/**
	 * @return whether a start refuses listeners of tables vtgate does not know
	 */
	public boolean isVerifyTables() {
		return this.verifyTables;
	}

	/**
	 * Set whether a start asks vtgate for each listened keyspace's tables and refuses
	 * listeners of tables that do not exist. The check is skipped when vtgate cannot
	 * answer.
	 * @param verifyTables whether to check
	 */
	public void setVerifyTables(boolean verifyTables) {
		this.verifyTables = verifyTables;
	}

	/**
	 * @return whether record and bean listeners get only the columns their type maps
	 */
	public boolean isAutoProject() {
		return this.autoProject;
	}

	/**
	 * Set whether vtgate sends a record or bean listener only the columns its type maps
	 * (looked up in the table at each connect); otherwise every column.
	 * @param autoProject whether to narrow the columns
	 */
	public void setAutoProject(boolean autoProject) {
		this.autoProject = autoProject;
	}

	/**
	 * @return where the stream records that it has run, if anywhere
	 */
	public @Nullable StreamRunMarker getRunMarker() {
		return this.runMarker;
	}

	/**
	 * Set where the stream records that it has run, so that a start without a saved
	 * position can tell a first start from an offset store that lost the position.
	 * @param runMarker the marker, {@code null} for none (such a start cannot tell)
	 */
	public void setRunMarker(@Nullable StreamRunMarker runMarker) {
		this.runMarker = runMarker;
	}

	/**
	 * @return whether a start without a saved position is refused once the stream ran
	 * before
	 */
	public boolean isRequireSavedPosition() {
		return this.requireSavedPosition;
	}

	/**
	 * Set whether a start refuses to begin without a saved position when the stream ran
	 * before (or the run marker cannot tell), instead of starting at the configured start
	 * again.
	 * @param requireSavedPosition whether to refuse
	 */
	public void setRequireSavedPosition(boolean requireSavedPosition) {
		this.requireSavedPosition = requireSavedPosition;
	}

	/**
	 * @return whether a listened table that the position resumed from does not cover is
	 * copied first
	 */
	public boolean isCopyNewTables() {
		return this.copyNewTables;
	}

	/**
	 * Set whether a listened table that the position resumed from does not cover (its
	 * listener was added, or removed and added back, since) has its existing rows copied
	 * first, as a first start would copy them; otherwise a warning names it and only its
	 * changes from the position on are delivered. On by default.
	 * @param copyNewTables whether to copy such tables
	 */
	public void setCopyNewTables(boolean copyNewTables) {
		this.copyNewTables = copyNewTables;
	}

	/**
	 * @return how long a shard's position may stand still while the shard moves on before
	 * the stream fails
	 */
	public Duration getProgressTimeout() {
		return this.progressTimeout;
	}

	/**
	 * Set how long a shard's position in the stream may stand still while the shard's own
	 * position has moved past it before the stream fails: vtgate keeps a stream open,
	 * without news of that shard, when its tablets cannot stream from the requested
	 * position. Every (re)connect also checks that each shard still has the position,
	 * whatever this is set to.
	 * @param progressTimeout the timeout, zero to never fail for this
	 */
	public void setProgressTimeout(Duration progressTimeout) {
		Assert.notNull(progressTimeout, "progressTimeout must not be null");
		this.progressTimeout = progressTimeout;
	}

	/**
	 * @return how long a shard's position may stand still while the shard moves on before
	 * the stream reconnects
	 */
	public Duration getStallTimeout() {
		return this.stallTimeout;
	}

	/**
	 * Set how long a shard's position in the stream may stand still while the shard's own
	 * position has moved past it before the stream reconnects (without failing): after a
	 * reparent or tablet restart vtgate may wait 30 s for a serving tablet inside the
	 * open call, while a new call picks the new tablet at once. Looked for only while the
	 * progress timeout is above zero.
	 * @param stallTimeout the timeout, zero to leave it to vtgate
	 */
	public void setStallTimeout(Duration stallTimeout) {
		Assert.notNull(stallTimeout, "stallTimeout must not be null");
		this.stallTimeout = stallTimeout;
	}

	/**
	 * @return how often the copy phase logs its progress, zero for never
	 */
	public Duration getCopyProgressLogInterval() {
		return this.copyProgressLogInterval;
	}

	/**
	 * Set how often the copy phase logs its progress (INFO, a line per table being
	 * copied).
	 * @param copyProgressLogInterval the interval, zero for never
	 */
	public void setCopyProgressLogInterval(Duration copyProgressLogInterval) {
		Assert.notNull(copyProgressLogInterval, "copyProgressLogInterval must not be null");
		this.copyProgressLogInterval = copyProgressLogInterval;
	}

	/**
	 * @return how long a stop waits for the rest of the transaction in hand
	 */
	public Duration getStopTimeout() {
		return this.stopTimeout;
	}

	/**
	 * Set how long a stop that finds a transaction in hand, split over several of
	 * vtgate's responses, waits for the rest of it, counted from the stop request. The
	 * stream goes on reading and handling until the transaction's commit, then saves the
	 * position; once the time is up it stops anyway at the next response (or at once
	 * while waiting for one), logs a WARN and the transaction comes again whole on the
	 * next start. A stop between transactions ends at once whatever this is set to. Keep
	 * it below Spring's {@code spring.lifecycle.timeout-per-shutdown-phase}, which the
	 * application's shutdown waits for the stream at most.
	 * @param stopTimeout the timeout, zero not to wait
	 */
	public void setStopTimeout(Duration stopTimeout) {
		Assert.notNull(stopTimeout, "stopTimeout must not be null");
		this.stopTimeout = stopTimeout;
	}

	/**
	 * Take every option of another container's options.
	 * @param other the options to copy
	 */
	public void copyFrom(VStreamContainerOptions other) {
		this.checkpointPolicy = other.checkpointPolicy;
		this.transactionManager = other.transactionManager;
		this.transactionDefinition = other.transactionDefinition;
		this.verifyTables = other.verifyTables;
		this.autoProject = other.autoProject;
		this.runMarker = other.runMarker;
		this.requireSavedPosition = other.requireSavedPosition;
		this.copyNewTables = other.copyNewTables;
		this.progressTimeout = other.progressTimeout;
		this.stallTimeout = other.stallTimeout;
		this.copyProgressLogInterval = other.copyProgressLogInterval;
		this.stopTimeout = other.stopTimeout;
	}

}
