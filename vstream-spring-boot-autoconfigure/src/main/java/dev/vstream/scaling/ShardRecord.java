package dev.vstream.scaling;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VGtid;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.LogSafeText;
import dev.vstream.position.ShardKey;
import dev.vstream.position.StreamPosition;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The record of the shards a shard-distributed stream is made of, saved as a position
 * (without GTIDs) under {@code <streamId>#shards} in the offset store, so that every
 * instance distributes the same shards: written from vtgate's shard list for keyspaces
 * not in it yet, and rewritten at a reshard by {@link ReshardHandover}.
 */
final class ShardRecord {

	// The coordinator's log category, which the operators of a shard-distributed stream
	// follow.
	private static final Log logger = LogFactory.getLog(ShardDistributedCoordinator.class);

	private final String streamId;

	private final OffsetRepository offsets;

	private final ShardDiscovery discovery;

	ShardRecord(String streamId, OffsetRepository offsets, ShardDiscovery discovery) {
		this.streamId = streamId;
		this.offsets = offsets;
		this.discovery = discovery;
	}

	/**
	 * The key of the record of a stream's shards.
	 * @param streamId the stream
	 * @return the stream id the record is saved under
	 */
	static String key(String streamId) {
		return streamId + "#shards";
	}

	/**
	 * The stream's shards from the record; keyspaces not in the record yet (first start,
	 * or a listener of a new keyspace) are added from vtgate.
	 * @param keyspaces the keyspaces the stream listens to
	 * @return the shards
	 */
	List<ShardKey> read(Collection<String> keyspaces) {
		Set<ShardKey> shards = load();
		Set<String> recorded = new LinkedHashSet<>();
		shards.forEach((shard) -> recorded.add(shard.keyspace()));
		boolean added = false;
		for (String keyspace : keyspaces) {
			if (!recorded.contains(keyspace)) {
				for (String shard : this.discovery.shards(keyspace)) {
					shards.add(new ShardKey(keyspace, shard));
				}
				added = true;
			}
		}
		if (added) {
			save(shards);
			logger.info("Stream '" + this.streamId + "' distributes shards " + LogSafeText.of(shards.toString(), 4000));
		}
		return List.copyOf(shards);
	}

	/**
	 * @return the recorded shards, in record order, empty when nothing is recorded
	 */
	Set<ShardKey> load() {
		Set<ShardKey> shards = new LinkedHashSet<>();
		this.offsets.load(key(this.streamId)).ifPresent((p) -> p.shards().forEach((s) -> shards.add(ShardKey.of(s))));
		return shards;
	}

	/**
	 * Replace the record.
	 * @param shards the stream's shards
	 */
	void save(Set<ShardKey> shards) {
		VGtid.Builder record = VGtid.newBuilder();
		for (ShardKey shard : shards) {
			record.addShardGtids(ShardGtid.newBuilder().setKeyspace(shard.keyspace()).setShard(shard.shard()));
		}
		this.offsets.save(key(this.streamId), StreamPosition.of(record.build()));
	}

}
