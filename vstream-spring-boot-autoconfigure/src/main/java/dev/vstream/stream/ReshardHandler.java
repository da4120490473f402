package dev.vstream.stream;

import binlogdata.Binlogdata.Journal;

/**
 * Receives the reshard journal at which a stream stopped (see
 * {@link VStreamContainer#setReshardHandler(ReshardHandler)}). Called on the stream's
 * thread after the position reached before the journal was saved; a handler that throws
 * fails the stream.
 */
@FunctionalInterface
public interface ReshardHandler {

	/**
	 * Called once the stream reached a {@code SHARDS} journal.
	 * @param container the stream
	 * @param journal the journal: the shards it retires ({@code participants}) and the
	 * new shards with their start positions ({@code shard_gtids})
	 */
	void resharded(VStreamContainer container, Journal journal);

}
