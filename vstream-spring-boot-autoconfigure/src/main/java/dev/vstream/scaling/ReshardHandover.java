package dev.vstream.scaling;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import binlogdata.Binlogdata.Journal;
import binlogdata.Binlogdata.KeyspaceShard;
import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VGtid;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.LogSafeText;
import dev.vstream.position.ShardKey;
import dev.vstream.position.StreamPosition;
import dev.vstream.stream.ReshardHandler;
import dev.vstream.stream.VStreamContainer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The reshard hand-over of a shard-distributed stream. Each shard stream stops at a
 * reshard journal (its position before the journal saved) and records, under its own
 * position key and fenced by its lock, the journal's positions of the new shards instead
 * of its own: a hand-over record. The participant that finds every participant handed
 * over seeds the new shards' positions and replaces the retired shards by the new ones in
 * the {@link ShardRecord}; instances then take the new shards like any other.
 */
final class ReshardHandover implements ReshardHandler {

	// The coordinator's log category, which the operators of a shard-distributed stream
	// follow.
	private static final Log logger = LogFactory.getLog(ShardDistributedCoordinator.class);

	private final String streamId;

	private final OffsetRepository offsets;

	private final ShardRecord record;

	/**
	 * Create the hand-over of a stream.
	 * @param streamId the stream
	 * @param offsets where positions are saved (unfenced)
	 * @param record the record of the stream's shards
	 */
	ReshardHandover(String streamId, OffsetRepository offsets, ShardRecord record) {
		this.streamId = streamId;
		this.offsets = offsets;
		this.record = record;
	}

	/**
	 * Whether a position saved under a shard's key is a hand-over record: one that names
	 * other shards than its own.
	 * @param shard the shard
	 * @param position the position saved under its key
	 * @return whether the shard was handed over
	 */
	static boolean handedOver(ShardKey shard, StreamPosition position) {
		return position.shards().stream().map(ShardKey::of).noneMatch(shard::equals);
	}

	@Override
	public void resharded(VStreamContainer container, Journal journal) {
		ShardKey ownShard = ShardKey.ofShardStreamId(container.getId());
		String keyspace = ownShard.keyspace();
		VGtid.Builder handover = VGtid.newBuilder();
		for (ShardGtid sg : journal.getShardGtidsList()) {
			if (sg.getKeyspace().equals(keyspace)) {
				handover.addShardGtids(sg);
			}
		}
		if (handover.getShardGtidsCount() == 0) {
			throw new IllegalStateException("Shard " + ownShard + " of stream '" + this.streamId
					+ "' received a reshard journal without positions for keyspace '" + keyspace + "': " + journal);
		}
		try {
			// Saved for the new shards' streams: checked as a position vtgate sends.
			StreamPosition.checkReceived(handover.build(), null);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("Shard " + ownShard + " of stream '" + this.streamId
					+ "' received a reshard journal whose new shards it must not keep: " + ex.getMessage(), ex);
		}
		// The shard stream's own (fenced) repository: refused if this instance lost the
		// shard.
		container.getOffsetRepository().save(container.getId(), StreamPosition.of(handover.build()));
		List<ShardKey> participants = new ArrayList<>();
		for (KeyspaceShard ks : journal.getParticipantsList()) {
			participants.add(ShardKey.of(ks));
		}
		for (ShardKey participant : participants) {
			Optional<StreamPosition> saved = this.offsets.load(participant.shardStreamId(this.streamId));
			if (saved.isEmpty() || !handedOver(participant, saved.get())) {
				logger.info("Stream '" + this.streamId + "' shard " + ownShard + " handed over at the reshard journal; "
						+ "waiting for participant " + participant);
				return;
			}
		}
		Set<ShardKey> next = this.record.load();
		next.removeAll(participants);
		for (ShardGtid sg : handover.getShardGtidsList()) {
			ShardKey newShard = ShardKey.of(sg);
			String newKey = newShard.shardStreamId(this.streamId);
			if (this.offsets.load(newKey).isEmpty()) {
				this.offsets.save(newKey, StreamPosition.of(VGtid.newBuilder().addShardGtids(sg).build()));
			}
			next.add(newShard);
		}
		this.record.save(next);
		logger.info("Stream '" + this.streamId + "' resharded " + LogSafeText.of(participants.toString(), 2000)
				+ " into " + next);
	}

}
