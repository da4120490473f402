package dev.vstream.stream;

import java.util.Locale;
import java.util.Optional;

import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.offset.StreamRunMarker;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Decides where a stream starts: its saved position, else the configured start. A missing
 * saved position is checked against the stream's {@link StreamRunMarker}: when the stream
 * ran before, the offset store lost its position, which is logged at WARN with what the
 * start will do (or refused, with {@code vstream.require-saved-position}).
 */
final class StartPositionResolver {

	private static final Log logger = LogFactory.getLog(StartPositionResolver.class);

	private final DefaultVStreamContainer container;

	private boolean resetDone;

	private volatile boolean marked;

	StartPositionResolver(DefaultVStreamContainer container) {
		this.container = container;
	}

	/**
	 * Where the next start begins; called by {@code start()} under the container's lock.
	 * @return the start
	 * @throws VStreamException when the saved position cannot be used, or is missing
	 * although the stream ran before and a saved position is required
	 */
	StreamStart resolve() {
		String id = this.container.getId();
		VStreamSettings settings = this.container.getSettings();
		OffsetRepository offsets = this.container.getOffsetRepository();
		if (settings.resetOnStart() && !this.resetDone) {
			logger.warn("Stream '" + id + "' discards its saved position (reset on start)");
			offsets.delete(id);
			positionDeleted();
			this.resetDone = true;
		}
		Optional<StreamPosition> saved;
		try {
			saved = offsets.load(id);
		}
		catch (RuntimeException ex) {
			throw new VStreamException("Stream '" + id + "' cannot start: its saved position cannot be read ("
					+ ex.getMessage() + "). The stored value is left as it is; fix it, or discard it with a reset.",
					ex);
		}
		this.marked = false;
		if (saved.isPresent()) {
			this.container.keyspaces().checkKeyspaces(saved.get(), "saved position");
			logger.info("Stream '" + id + "' resumes from its saved position " + saved.get());
			logNewTables(id, saved.get(), settings);
			// Streams that ran before the marker existed get theirs now.
			positionSaved();
			return new StreamStart(StreamStart.From.SAVED_POSITION, saved.get(), true);
		}
		StreamStart start;
		if (settings.explicitStart() != null) {
			this.container.keyspaces().checkKeyspaces(settings.explicitStart(), "configured start position");
			start = new StreamStart(StreamStart.From.START_VGTID, settings.explicitStart(), ranBefore(id));
		}
		else {
			StreamStart.From from = (settings.startPosition() == StartPosition.CURRENT) ? StreamStart.From.CURRENT
					: StreamStart.From.COPY;
			start = new StreamStart(from, this.container.keyspaces().positionAt(settings.startPosition()),
					ranBefore(id));
		}
		this.container.getMonitor().startedWithoutSavedPosition(this.container, start);
		String consequence = consequence(start);
		// A memory store never keeps a position across starts: starting without one is
		// its normal case.
		VStreamContainerOptions options = this.container.getContainerOptions();
		boolean memory = options.getRunMarker() == null && !options.isRequireSavedPosition()
				&& this.container.getOffsetRepository() instanceof InMemoryOffsetRepository;
		if (Boolean.FALSE.equals(start.ranBefore()) || memory) {
			logger.info("Stream '" + id + "' has no saved position and has not run before; starting at "
					+ configured(start) + " for " + start.position());
			return start;
		}
		String ran = Boolean.TRUE.equals(
				start.ranBefore())
						? "although it ran before (according to its run marker in " + describe()
								+ "): the offset store lost it"
						: "and cannot tell whether it ran before ("
								+ ((options.getRunMarker() != null)
										? "its run marker in " + describe() + " cannot be read" : "no run marker")
								+ ")";
		if (options.isRequireSavedPosition()) {
			throw new VStreamException("Stream '" + id + "' refuses to start: it has no saved position " + ran
					+ ", and vstream.require-saved-position is true. Starting at " + configured(start) + " would mean: "
					+ consequence + ". To start there anyway, start once with "
					+ "vstream.require-saved-position=false (or vstream.reset-on-start=true), or reset the stream "
					+ "through the actuator (POST /actuator/vstream/" + id
					+ " {\"action\":\"reset\"}, optionally with a \"position\") and start it.");
		}
		logger.warn("Stream '" + id + "' has no saved position " + ran + ". Starting at " + configured(start) + ": "
				+ consequence + ". Set vstream.require-saved-position=true to refuse such a start.");
		return start;
	}

	/**
	 * Say what happens to listened tables the saved position does not cover: each is
	 * named once per start (a reconnect decides the same from the handled position).
	 */
	private void logNewTables(String id, StreamPosition saved, VStreamSettings settings) {
		TableCoverage coverage = TableCoverage.of(saved, this.container.keyspaces().listenedTables(), settings,
				this.container.getContainerOptions().isCopyNewTables());
		if (coverage.isUnknown()) {
			logger.info("Stream '" + id + "' has a saved position that does not record which tables it covers (saved "
					+ "by an earlier version, or set by hand): every listened table counts as covered, and positions "
					+ "record them from now on. A table whose listener is new in this start is not copied.");
			return;
		}
		coverage.newCopied()
			.forEach((table) -> logger.info("Stream '" + id + "' copies " + table + " first: its saved position does "
					+ "not cover the table (a listener added, or removed and added back, since), so its existing rows "
					+ "are delivered as inserts before its changes (vstream.copy-new-tables=false to only warn)"));
		coverage.skipped().forEach((table, skip) -> {
			if (skip == TableCoverage.Skip.DISABLED) {
				logger.warn("Stream '" + id + "' does not copy " + table + ", which its saved position does not "
						+ "cover (a listener added, or removed and added back, since): only its changes from the saved "
						+ "position on are delivered, none of its existing rows, as vstream.copy-new-tables is false");
			}
			else {
				logger.info("Stream '" + id + "' streams " + table + ", which its saved position does not cover, "
						+ "from the saved position on without copying it (as the stream's first start would not have "
						+ "copied it: vstream.start-position or vstream.tables-to-copy)");
			}
		});
	}

	/**
	 * Replace the saved position while the stream is stopped; called by
	 * {@code resetPosition} on the caller's thread.
	 * @param start the new position, {@code null} to delete the saved one (the next start
	 * begins at the configured start)
	 * @throws VStreamException when the position does not cover the listened keyspaces
	 * @throws IllegalArgumentException when it names shards vtgate does not list for
	 * their keyspace ({@link ShardMembership}); nothing is stored
	 */
	void reset(@Nullable StreamPosition start) {
		String id = this.container.getId();
		if (start == null) {
			this.container.getOffsetRepository().delete(id);
			positionDeleted();
		}
		else {
			this.container.keyspaces().checkKeyspaces(start, "new position");
			String refusal = new ShardMembership(this.container.channel()).refusal(start.toVGtid());
			if (refusal != null) {
				throw new IllegalArgumentException(
						"Stream '" + id + "' keeps its saved position: the new one is refused, " + refusal);
			}
			this.container.getOffsetRepository().save(id, start);
		}
		this.container.checkpointer().startFrom(start, start);
		logger.warn("Stream '" + id + "' position reset to "
				+ ((start != null) ? start : "its configured start (saved position deleted)"));
	}

	/**
	 * The first save of a start marks the stream as having run; a failure is retried at
	 * the next.
	 */
	void positionSaved() {
		StreamRunMarker marker = this.container.getContainerOptions().getRunMarker();
		if (marker == null || this.marked) {
			return;
		}
		try {
			marker.markRun(this.container.getId());
			this.marked = true;
		}
		catch (RuntimeException ex) {
			logger.warn("Stream '" + this.container.getId() + "' could not record in its run marker (" + describe()
					+ ") that it ran (" + ex.getMessage() + "); retried at the next position save", ex);
		}
	}

	/**
	 * The saved position was deleted on purpose: the next start without one is expected.
	 */
	void positionDeleted() {
		StreamRunMarker marker = this.container.getContainerOptions().getRunMarker();
		this.marked = false;
		if (marker != null) {
			marker.forget(this.container.getId());
		}
	}

	private @Nullable Boolean ranBefore(String id) {
		StreamRunMarker marker = this.container.getContainerOptions().getRunMarker();
		if (marker == null) {
			return null;
		}
		try {
			return marker.hasRun(id);
		}
		catch (RuntimeException ex) {
			logger.warn("Stream '" + id + "' cannot read its run marker in " + describe() + ": " + ex.getMessage(), ex);
			return null;
		}
	}

	private String describe() {
		StreamRunMarker marker = this.container.getContainerOptions().getRunMarker();
		return (marker != null) ? marker.describe() : "none";
	}

	private static String configured(StreamStart start) {
		return switch (start.from()) {
			case START_VGTID -> "vstream.start-vgtid " + start.position();
			default -> "vstream.start-position=" + start.from().name().toLowerCase(Locale.ROOT);
		};
	}

	private static String consequence(StreamStart start) {
		return switch (start.from()) {
			case COPY -> "every existing row of the copied tables is delivered again as an insert, then live changes";
			case CURRENT -> "only changes committed from now on are delivered; everything written since the stream "
					+ "last ran is skipped";
			case START_VGTID -> "changes from that position on are delivered";
			case SAVED_POSITION -> "it resumes where it left off";
		};
	}

}
