package dev.vstream.stream;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import binlogdata.Binlogdata.Journal;
import binlogdata.Binlogdata.MigrationType;
import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VGtid;
import dev.vstream.position.LogSafeText;
import dev.vstream.position.ShardKey;
import dev.vstream.position.StreamPosition;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * What a stream does at a reshard journal: log it, and with {@code stop-on-reshard} end
 * the session there, handing the journal to the {@link ReshardHandler} (a
 * {@link ReshardSignal}) or failing with what to do next.
 */
final class ReshardJournals {

	private static final Log logger = LogFactory.getLog(ReshardJournals.class);

	private final String id;

	private final boolean stopOnReshard;

	private final @Nullable ReshardHandler reshardHandler;

	private final Checkpointer checkpointer;

	ReshardJournals(String id, boolean stopOnReshard, @Nullable ReshardHandler reshardHandler,
			Checkpointer checkpointer) {
		this.id = id;
		this.stopOnReshard = stopOnReshard;
		this.reshardHandler = reshardHandler;
		this.checkpointer = checkpointer;
	}

	/**
	 * vtgate sends a SHARDS journal only when the stream asked to stop on a reshard (it
	 * follows the new shards by itself otherwise), then ends the stream. Stop here,
	 * before the journal's VGTID: a position past the journal points into the retired
	 * shards, from which a later stream would never learn about the new ones. A journal
	 * of one retired shard moves the position to the new shards first; one of several
	 * (each sends it when it reaches it) leaves it before the journal.
	 */
	void onJournal(Journal journal) {
		List<ShardKey> from = journal.getParticipantsList().stream().map(ShardKey::of).toList();
		List<ShardKey> to = journal.getShardGtidsList().stream().map(ShardKey::of).toList();
		logger.info("Stream '" + this.id + "' received a reshard journal: " + journal.getMigrationType() + " from "
				+ LogSafeText.of(from.toString(), 2000) + " to " + LogSafeText.of(to.toString(), 2000));
		boolean reshard = this.stopOnReshard && journal.getMigrationType() == MigrationType.SHARDS;
		if (reshard && this.reshardHandler != null) {
			throw new ReshardSignal(this.reshardHandler, journal);
		}
		if (reshard) {
			StreamPosition next = (journal.getParticipantsCount() == 1) ? following(journal) : null;
			if (next != null) {
				// The journal's only participant reached it: every change of the retired
				// shard was handled. Save the new shards' positions in its place, as
				// vtgate does when it follows a reshard, so that a restart carries on
				// from them even after the Reshard workflow deleted the old shard.
				this.checkpointer.reached(next);
				this.checkpointer.saveIfDue(true);
				throw new VStreamException("Stream '" + this.id + "' stopped: the keyspace was resharded from " + from
						+ " to " + to + " and vstream.stop-on-reshard is set. Its position now names the new shards ("
						+ next + "); restart the stream to carry on from there (with vstream.stop-on-reshard=false "
						+ "to follow later reshards without stopping).");
			}
			throw new VStreamException("Stream '" + this.id + "' stopped: the keyspace was resharded from " + from
					+ " to " + to + " and vstream.stop-on-reshard is set. Its position stays before the reshard "
					+ "journal, in the old shards; restart with vstream.stop-on-reshard=false to follow the new "
					+ "shards from there, before the Reshard workflow is completed (its 'complete' deletes the old "
					+ "shards, and a position in them can then only be copied again).");
		}
	}

	/**
	 * The handled position with the journal's participants replaced by its new shards.
	 * @return the position, or {@code null} if nothing was handled yet
	 */
	private @Nullable StreamPosition following(Journal journal) {
		StreamPosition handled = this.checkpointer.getPosition();
		if (handled == null) {
			return null;
		}
		Set<ShardKey> retired = journal.getParticipantsList().stream().map(ShardKey::of).collect(Collectors.toSet());
		VGtid.Builder next = VGtid.newBuilder();
		for (ShardGtid sg : handled.toVGtid().getShardGtidsList()) {
			if (!retired.contains(ShardKey.of(sg))) {
				next.addShardGtids(sg);
			}
		}
		next.addAllShardGtids(journal.getShardGtidsList());
		try {
			// Saved at once: checked as a position vtgate sends with new shards.
			StreamPosition.checkReceived(next.build(), null);
		}
		catch (IllegalArgumentException ex) {
			throw new VStreamException("Stream '" + this.id + "' received a reshard journal whose new shards it must "
					+ "not keep (" + ex.getMessage() + "); stopped before it, at " + handled, ex);
		}
		return StreamPosition.of(next.build()).withCoveredTablesOf(handled);
	}

	/**
	 * Ends the session at a journal handed to a {@link ReshardHandler}: not a failure.
	 */
	static final class ReshardSignal extends RuntimeException {

		private final transient ReshardHandler handler;

		private final transient Journal journal;

		ReshardSignal(ReshardHandler handler, Journal journal) {
			super(null, null, false, false);
			this.handler = handler;
			this.journal = journal;
		}

		ReshardHandler handler() {
			return this.handler;
		}

		Journal journal() {
			return this.journal;
		}

	}

}
