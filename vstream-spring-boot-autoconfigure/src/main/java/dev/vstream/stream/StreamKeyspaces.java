package dev.vstream.stream;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VGtid;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;

/**
 * What a stream covers: the keyspaces of its listeners (and the extra ones), the shards
 * its settings name, and the positions that fit them. Read from the listeners each time,
 * since listeners may be registered after the container was made.
 */
final class StreamKeyspaces {

	private final VStreamSettings settings;

	private final Supplier<Collection<VStreamListenerEndpoint>> endpoints;

	StreamKeyspaces(VStreamSettings settings, Supplier<Collection<VStreamListenerEndpoint>> endpoints) {
		this.settings = settings;
		this.endpoints = endpoints;
	}

	/**
	 * @return the keyspaces of the listeners and the extra ones, or the default keyspace
	 */
	Set<String> keyspaces() {
		Set<String> keyspaces = new LinkedHashSet<>();
		for (VStreamListenerEndpoint endpoint : this.endpoints.get()) {
			keyspaces.add(keyspaceOf(endpoint));
		}
		keyspaces.addAll(this.settings.extraKeyspaces());
		if (keyspaces.isEmpty()) {
			keyspaces.add(this.settings.defaultKeyspace());
		}
		return keyspaces;
	}

	/**
	 * The listened tables of each streamed keyspace.
	 * @param rules per keyspace (every streamed one), per table, its rule
	 * @return per keyspace, its tables
	 */
	static Map<String, Set<String>> tables(Map<String, ? extends Map<String, ?>> rules) {
		Map<String, Set<String>> tables = new LinkedHashMap<>();
		rules.forEach((keyspace, byTable) -> tables.put(keyspace, new TreeSet<>(byTable.keySet())));
		return tables;
	}

	/**
	 * @return the listened tables of each streamed keyspace
	 */
	Map<String, Set<String>> listenedTables() {
		Map<String, Set<String>> tables = new LinkedHashMap<>();
		keyspaces().forEach((keyspace) -> tables.put(keyspace, new TreeSet<>()));
		for (VStreamListenerEndpoint endpoint : this.endpoints.get()) {
			tables.get(keyspaceOf(endpoint)).add(endpoint.getTable());
		}
		return tables;
	}

	String keyspaceOf(VStreamListenerEndpoint endpoint) {
		return endpoint.getKeyspace().isEmpty() ? this.settings.defaultKeyspace() : endpoint.getKeyspace();
	}

	/** The position that starts every listened shard at a start position. */
	StreamPosition positionAt(StartPosition start) {
		VGtid.Builder vgtid = VGtid.newBuilder();
		for (String keyspace : keyspaces()) {
			List<String> shards = this.settings.shards().getOrDefault(keyspace, List.of());
			if (shards.isEmpty()) {
				vgtid.addShardGtids(ShardGtid.newBuilder().setKeyspace(keyspace).setGtid(start.gtid()));
			}
			for (String shard : shards) {
				vgtid.addShardGtids(ShardGtid.newBuilder().setKeyspace(keyspace).setShard(shard).setGtid(start.gtid()));
			}
		}
		return StreamPosition.of(vgtid.build());
	}

	/**
	 * A position that does not cover exactly the listened keyspaces belongs to another
	 * configuration (or stream): streaming from it would miss or invent changes.
	 */
	void checkKeyspaces(StreamPosition position, String what) {
		Set<String> covered = new TreeSet<>();
		position.shards().forEach((shard) -> covered.add(shard.keyspace()));
		Set<String> wanted = new TreeSet<>(keyspaces());
		if (!covered.equals(wanted)) {
			throw new VStreamException("Stream '" + this.settings.id() + "' cannot start: its " + what
					+ " covers keyspaces " + covered + " but its listeners stream " + wanted
					+ ". The stored value is left as it is; reset the stream's position to start over, or use another "
					+ "stream id.");
		}
	}

	/**
	 * The settings of a stream of one shard: asked to stop at a reshard, starting where
	 * this stream's explicit start puts that shard, if anywhere.
	 */
	VStreamSettings forShard(String id, String keyspace, String shard) {
		VStreamSettings s = this.settings;
		StreamPosition explicitStart = null;
		if (s.explicitStart() != null) {
			VGtid.Builder only = VGtid.newBuilder();
			for (ShardGtid sg : s.explicitStart().toVGtid().getShardGtidsList()) {
				if (sg.getKeyspace().equals(keyspace) && (sg.getShard().equals(shard) || sg.getShard().isEmpty())) {
					only.addShardGtids(sg.toBuilder().setShard(shard));
				}
			}
			explicitStart = (only.getShardGtidsCount() > 0) ? StreamPosition.of(only.build()) : null;
		}
		return new VStreamSettings(id, keyspace, s.startPosition(), s.tabletType(), s.heartbeatInterval(), true,
				s.reconnectBackOff(), List.of(), s.tablesToCopy(), Map.of(keyspace, List.of(shard)), explicitStart,
				false, s.requestOptions());
	}

}
