package dev.vstream.stream;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

import binlogdata.Binlogdata.VEvent;
import binlogdata.Binlogdata.VEventType;
import dev.vstream.listener.DdlEvent;
import dev.vstream.listener.DdlListenerEndpoint;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.position.LogSafeText;
import dev.vstream.position.StreamPosition;
import io.vitess.proto.Vtgate.VStreamResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Turns the events of one connection into listener calls and positions: the VEvent
 * switch, rows handed to the {@link RowRouter}, changes of lists held until COMMIT or
 * buffered across transactions ({@link ListenerBatches}), VGTIDs checked
 * ({@link ReceivedPositions}) and the per-shard guard, DDL, copy completion and reshard
 * journals. A transaction's end hands its position to the {@link Checkpointer}.
 *
 * <p>
 * One instance per connection: its schemas and open transaction end with it. Used on the
 * stream's thread only.
 */
final class EventDispatcher {

	private static final Log logger = LogFactory.getLog(EventDispatcher.class);

	private final String id;

	private final VStreamSettings settings;

	private final ListenerInvoker invoker;

	private final Checkpointer checkpointer;

	private final ShardPositionGuard positionGuard;

	private final StreamStatus status;

	private final Supplier<Collection<DdlListenerEndpoint>> ddlListeners;

	private final ReshardJournals journals;

	private final CopyProgressTracker copyProgress;

	private final BooleanSupplier running;

	/** Routes the rows to their listeners. */
	private final RowRouter rows;

	/** Tells when a DDL drops a listened table (a MoveTables' complete). */
	private final RemovedTables removedTables;

	/** Checks each position vtgate sends on this connection. */
	private final ReceivedPositions received;

	/** The tables this connection's positions cover; set before the first response. */
	private @Nullable TableCoverage coverage;

	/** Changes held for listeners of lists: transactions, batches across transactions. */
	private final ListenerBatches batches;

	private @Nullable StreamPosition pending;

	private boolean inTransaction;

	/** Whether a transaction was handled on this connection. */
	private boolean progressed;

	/** Events of the response in hand after the one being handled. */
	private int eventsAfter;

	/** Whether another response of vtgate is received and waiting. */
	private BooleanSupplier responseWaiting = () -> false;

	EventDispatcher(DefaultVStreamContainer container, Collection<VStreamListenerEndpoint> endpoints,
			Function<VStreamListenerEndpoint, String> keyspaceOf, Set<String> keyspaces) {
		this.id = container.getId();
		this.settings = container.getSettings();
		this.invoker = container.invoker();
		this.checkpointer = container.checkpointer();
		this.positionGuard = container.positionGuard();
		this.status = container.status();
		this.ddlListeners = container.ddlListeners();
		this.journals = new ReshardJournals(this.id, this.settings.stopOnReshard(), container.reshardHandler(),
				this.checkpointer);
		this.running = container::isRunning;
		this.batches = new ListenerBatches(this.invoker);
		this.copyProgress = container.copyProgress();
		this.received = new ReceivedPositions(this.id, keyspaces, container.channel(), this.checkpointer);
		this.rows = new RowRouter(this.id, this.invoker, this.batches, this.copyProgress, this.status, endpoints,
				keyspaceOf);
		Map<String, List<String>> listenerIds = new HashMap<>();
		for (VStreamListenerEndpoint endpoint : endpoints) {
			listenerIds
				.computeIfAbsent(keyspaceOf.apply(endpoint) + "/" + endpoint.getTable(), (k) -> new ArrayList<>())
				.add(endpoint.getId());
		}
		this.removedTables = new RemovedTables(this.id, listenerIds);
	}

	/**
	 * The connection resumes from a position: its shards are known (they were checked
	 * when it was stored).
	 * @param from the position sent to vtgate
	 */
	void connecting(StreamPosition from) {
		this.received.connecting(from);
	}

	/**
	 * The rules of this connection's request: which listeners are checked here, which
	 * tables are projected.
	 * @param rules per keyspace and table, its rule
	 */
	void useRules(Map<String, Map<String, RuleFilters.TableRule>> rules) {
		this.rows.useRules(rules);
	}

	/**
	 * The tables this connection's positions cover, and copies first.
	 * @param coverage the coverage
	 */
	void useCoverage(TableCoverage coverage) {
		this.coverage = coverage;
		this.received.useCoverage(coverage);
	}

	/**
	 * @return whether a transaction is open: its events came only in part
	 */
	boolean isInTransaction() {
		return this.inTransaction;
	}

	/**
	 * @return whether changes wait in a batch listener's buffer: the position stays
	 * before them
	 */
	boolean isBuffering() {
		return this.batches.isBuffering();
	}

	/**
	 * @return whether a transaction was handled on this connection
	 */
	boolean hasProgressed() {
		return this.progressed;
	}

	/**
	 * Tell where to ask whether another response is received and waiting: the stream is
	 * behind then, and saves may be grouped (see {@link CheckpointPolicy}).
	 * @param responseWaiting whether a response waits
	 */
	void setResponseWaiting(BooleanSupplier responseWaiting) {
		this.responseWaiting = responseWaiting;
	}

	void handle(VStreamResponse response) {
		List<VEvent> events = response.getEventsList();
		if (logger.isTraceEnabled()) {
			logger.trace("Stream '" + this.id + "' received "
					+ LogSafeText.of(events.stream()
						.map((e) -> e.getType()
								+ (e.getKeyspace().isEmpty() ? "" : "(" + e.getKeyspace() + "/" + e.getShard() + ")"))
						.toList()
						.toString(), 4000));
		}
		StreamPosition[] transactionPositions = null;
		// The events of a response arrive together: count and time them once per
		// response.
		this.status.eventsReceived.addAndGet(events.size());
		this.status.setLastEventTime(Instant.now());
		for (int i = 0; i < events.size(); i++) {
			VEvent event = events.get(i);
			this.eventsAfter = events.size() - 1 - i;
			switch (event.getType()) {
				case BEGIN -> this.inTransaction = true;
				case FIELD -> this.rows.onField(event);
				case ROW -> {
					if (transactionPositions == null) {
						transactionPositions = positionsAhead(events);
					}
					this.rows.onRow(event, transactionPositions[i], this.pending);
				}
				case VGTID -> {
					// Checked already when a row of this response asked for the positions
					// ahead of it.
					this.pending = (transactionPositions != null) ? transactionPositions[i]
							: this.received.check(event.getVgtid());
					this.positionGuard.progressed(this.pending);
				}
				case COMMIT -> {
					this.inTransaction = false;
					transactionHandled(false, false);
				}
				case COPY_COMPLETED -> onCopyCompleted(event);
				case DDL -> {
					dispatchDdl(event);
					if (!this.inTransaction) {
						transactionHandled(false, false);
					}
				}
				case OTHER -> {
					// Inside an open transaction the last VGTID may precede rows not seen
					// yet: wait for COMMIT.
					if (!this.inTransaction) {
						transactionHandled(false, false);
					}
				}
				case JOURNAL -> {
					// Batches end before a journal, which may stop the stream at the
					// handled position.
					if (!this.inTransaction) {
						transactionHandled(true, false);
					}
					// vtgate streams the new shards from here on.
					this.received.journal(event.getJournal());
					this.journals.onJournal(event.getJournal());
				}
				case HEARTBEAT -> {
					// Only vtgate's own heartbeats reach clients, sent when it had
					// nothing else to send.
					if (!this.inTransaction && event.getTimestamp() > 0
							&& this.positionGuard.heartbeat(this.checkpointer.getPosition())) {
						this.status.setLastHeartbeatTime(Instant.ofEpochSecond(event.getTimestamp()));
					}
				}
				default -> {
					// LASTPK (vtgate folds it into the next VGTID), SAVEPOINT, VERSION...
				}
			}
			if (!this.running.getAsBoolean() && !this.inTransaction) {
				break;
			}
		}
		this.eventsAfter = 0;
		if (!this.inTransaction) {
			// Also where an idle stream's heartbeats flush a batch whose interval ran
			// out.
			transactionHandled(false, false);
		}
	}

	/**
	 * The position each row's transaction ends at, when it is in the same response. Each
	 * is checked here already, before the rows it covers reach a listener.
	 */
	private StreamPosition[] positionsAhead(List<VEvent> events) {
		StreamPosition[] positions = new StreamPosition[events.size()];
		// Checked in the order they came: each says which tables are covered as of
		// itself (TableCoverage follows the copy from one to the next).
		for (int i = 0; i < events.size(); i++) {
			VEvent event = events.get(i);
			if (event.getType() == VEventType.VGTID) {
				positions[i] = this.received.check(event.getVgtid());
			}
		}
		StreamPosition next = null;
		for (int i = events.size() - 1; i >= 0; i--) {
			if (positions[i] != null) {
				next = positions[i];
			}
			positions[i] = next;
		}
		return positions;
	}

	/**
	 * Hand a DDL to its listeners. The FIELD event that follows it re-maps later rows; a
	 * failing listener goes to the error handler (by default: the stream stops before the
	 * DDL).
	 */
	private void dispatchDdl(VEvent event) {
		DdlEvent ddl = new DdlEvent(event.getStatement(), event.getKeyspace(), event.getShard(), this.pending,
				(event.getTimestamp() > 0) ? Instant.ofEpochSecond(event.getTimestamp()) : null);
		logger.info("Stream '" + this.id + "' received DDL on " + LogSafeText.of(ddl.keyspace(), 64) + "/"
				+ LogSafeText.of(ddl.shard(), 64) + ": " + LogSafeText.of(ddl.statement(), 2000));
		String removed = this.removedTables.warning(ddl.keyspace(), ddl.shard(), ddl.statement());
		if (removed != null) {
			logger.warn(removed);
		}
		for (DdlListenerEndpoint listener : this.ddlListeners.get()) {
			if (listener.accepts(ddl.keyspace())) {
				try {
					listener.listener().accept(ddl);
				}
				catch (RuntimeException ex) {
					this.invoker.ddlListenerFailed(ex);
				}
			}
		}
	}

	private void onCopyCompleted(VEvent event) {
		if (logger.isDebugEnabled()) {
			logger.debug(
					"Stream '" + this.id + "' copy completed for keyspace '" + LogSafeText.of(event.getKeyspace(), 64)
							+ "' shard '" + LogSafeText.of(event.getShard(), 64) + "'; position " + this.pending);
		}
		boolean whole = event.getKeyspace().isEmpty() && event.getShard().isEmpty();
		TableCoverage tables = this.coverage;
		boolean covered = tables != null && tables.copyCompleted(event.getKeyspace(), event.getShard());
		if (covered && this.pending != null) {
			// The tables it copied are covered from here on: saved at once.
			this.pending = tables.tag(this.pending);
		}
		if (whole) {
			logger.info("Stream '" + this.id + "' finished copying existing rows");
			this.status.setState(StreamState.STREAMING);
		}
		// The end of the copy is worth saving at once: a restart would otherwise copy
		// again. Batches of copied rows are flushed for it, as vstreamclient does.
		transactionHandled(whole, whole || covered);
		if (whole) {
			this.copyProgress.copyCompleted();
		}
	}

	/**
	 * Every change before the last VGTID was handled or is buffered for a batch: deliver
	 * held transactions, buffer and flush batches, then, unless changes stay buffered,
	 * move the position and save it when the checkpoint policy says so. While changes are
	 * buffered the position stays before the first of them, and the listeners'
	 * transaction (with a transaction manager) stays open: it commits with the position
	 * that covers all its work.
	 */
	private void transactionHandled(boolean flush, boolean forceSave) {
		StreamPosition reached = this.pending;
		this.batches.transactionEnded(reached, flush);
		if (this.batches.isBuffering()) {
			return;
		}
		if (this.checkpointer.reached(reached)) {
			this.progressed = true;
		}
		this.copyProgress.transactionHandled(reached);
		// Behind: more events are at hand already, and a save may cover them too.
		this.checkpointer.saveIfDue(forceSave, !flush && (this.eventsAfter > 0 || this.responseWaiting.getAsBoolean()));
	}

	/**
	 * Between transactions, before the stream pauses or stops: flush the buffered batches
	 * and save the position that covers them.
	 */
	void flushAndSave() {
		if (!this.inTransaction) {
			transactionHandled(true, true);
		}
		else {
			this.checkpointer.saveIfDue(true);
		}
	}

	/**
	 * The connection ends without success: drop held and buffered changes (the position
	 * is before them, they come again) and roll back uncommitted work.
	 */
	void abandon() {
		this.batches.clear();
		this.copyProgress.abandon();
		this.checkpointer.rollback();
	}

}
