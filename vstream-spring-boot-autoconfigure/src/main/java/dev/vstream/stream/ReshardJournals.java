package dev.vstream.stream;

import java.util.List;

import binlogdata.Binlogdata.Journal;
import binlogdata.Binlogdata.MigrationType;
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

	ReshardJournals(String id, boolean stopOnReshard, @Nullable ReshardHandler reshardHandler) {
		this.id = id;
		this.stopOnReshard = stopOnReshard;
		this.reshardHandler = reshardHandler;
	}

	/**
	 * vtgate sends a SHARDS journal only when the stream asked to stop on a reshard (it
	 * follows the new shards by itself otherwise), then ends the stream. Stop here,
	 * before the journal's VGTID: a position past the journal points into the retired
	 * shards, from which a later stream would never learn about the new ones.
	 */
	void onJournal(Journal journal) {
		List<String> from = journal.getParticipantsList()
			.stream()
			.map((ks) -> ks.getKeyspace() + "/" + ks.getShard())
			.toList();
		List<String> to = journal.getShardGtidsList()
			.stream()
			.map((sg) -> sg.getKeyspace() + "/" + sg.getShard())
			.toList();
		logger.info("Stream '" + this.id + "' received a reshard journal: " + journal.getMigrationType() + " from "
				+ from + " to " + to);
		boolean reshard = this.stopOnReshard && journal.getMigrationType() == MigrationType.SHARDS;
		if (reshard && this.reshardHandler != null) {
			throw new ReshardSignal(this.reshardHandler, journal);
		}
		if (reshard) {
			throw new VStreamException("Stream '" + this.id + "' stopped: the keyspace was resharded from " + from
					+ " to " + to + " and vstream.stop-on-reshard is set. Its position stays before the reshard "
					+ "journal; restart with vstream.stop-on-reshard=false to follow the new shards from there.");
		}
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
