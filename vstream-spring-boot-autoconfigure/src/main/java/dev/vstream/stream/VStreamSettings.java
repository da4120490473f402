package dev.vstream.stream;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import io.vitess.proto.Topodata.TabletType;
import org.jspecify.annotations.Nullable;

import org.springframework.util.backoff.BackOff;

/**
 * How a stream connects and where it starts.
 *
 * @param id the stream id, also the key of its saved position
 * @param defaultKeyspace the keyspace of listeners that name none
 * @param startPosition where to start when no position is saved
 * @param tabletType the tablet type vtgate streams from
 * @param heartbeatInterval how often vtgate sends heartbeats on an idle stream (zero:
 * none)
 * @param stopOnReshard whether vtgate ends the stream on a reshard instead of following
 * it
 * @param reconnectBackOff the delays between reconnect attempts after a transient failure
 * @param extraKeyspaces keyspaces streamed besides those of the listeners (may be empty)
 * @param tablesToCopy the tables whose existing rows the copy phase copies, each a table
 * name (in every streamed keyspace) or {@code keyspace.table}; empty for every listened
 * table
 * @param shards per keyspace, the shards to stream; a keyspace not named streams all its
 * shards
 * @param explicitStart where to start when no position is saved, instead of
 * {@code startPosition}; {@code null} for none
 * @param resetOnStart whether the first start discards the saved position
 * @param requestOptions the other flags of the request, and its customizers
 */
public record VStreamSettings(String id, String defaultKeyspace, StartPosition startPosition, TabletType tabletType,
		Duration heartbeatInterval, boolean stopOnReshard, BackOff reconnectBackOff, List<String> extraKeyspaces,
		List<String> tablesToCopy, Map<String, List<String>> shards, @Nullable StreamPosition explicitStart,
		boolean resetOnStart, VStreamRequestOptions requestOptions) {

	public VStreamSettings {
		extraKeyspaces = List.copyOf(extraKeyspaces);
		tablesToCopy = List.copyOf(tablesToCopy);
		shards = Map.copyOf(shards);
	}

	/**
	 * Settings with the default {@link VStreamRequestOptions}.
	 * @param id the stream id
	 * @param defaultKeyspace the keyspace of listeners that name none
	 * @param startPosition where to start when no position is saved
	 * @param tabletType the tablet type
	 * @param heartbeatInterval the heartbeat interval
	 * @param stopOnReshard whether to stop on a reshard
	 * @param reconnectBackOff delays between reconnect attempts
	 * @param extraKeyspaces keyspaces streamed besides those of the listeners
	 * @param tablesToCopy the tables the copy phase copies; empty for every listened
	 * table
	 * @param shards per keyspace, the shards to stream
	 * @param explicitStart where to start when no position is saved, if not at
	 * {@code startPosition}
	 * @param resetOnStart whether the first start discards the saved position
	 */
	public VStreamSettings(String id, String defaultKeyspace, StartPosition startPosition, TabletType tabletType,
			Duration heartbeatInterval, boolean stopOnReshard, BackOff reconnectBackOff, List<String> extraKeyspaces,
			List<String> tablesToCopy, Map<String, List<String>> shards, @Nullable StreamPosition explicitStart,
			boolean resetOnStart) {
		this(id, defaultKeyspace, startPosition, tabletType, heartbeatInterval, stopOnReshard, reconnectBackOff,
				extraKeyspaces, tablesToCopy, shards, explicitStart, resetOnStart, VStreamRequestOptions.DEFAULTS);
	}

	/**
	 * These settings with other request options.
	 * @param requestOptions the options
	 * @return the settings
	 */
	public VStreamSettings withRequestOptions(VStreamRequestOptions requestOptions) {
		return new VStreamSettings(this.id, this.defaultKeyspace, this.startPosition, this.tabletType,
				this.heartbeatInterval, this.stopOnReshard, this.reconnectBackOff, this.extraKeyspaces,
				this.tablesToCopy, this.shards, this.explicitStart, this.resetOnStart, requestOptions);
	}

	/**
	 * Settings that copy every listened table of every shard.
	 * @param id the stream id
	 * @param defaultKeyspace the keyspace of listeners that name none
	 * @param startPosition where to start when no position is saved
	 * @param tabletType the tablet type
	 * @param heartbeatInterval the heartbeat interval
	 * @param stopOnReshard whether to stop on a reshard
	 * @param reconnectBackOff delays between reconnect attempts
	 * @param extraKeyspaces keyspaces streamed besides those of the listeners
	 */
	public VStreamSettings(String id, String defaultKeyspace, StartPosition startPosition, TabletType tabletType,
			Duration heartbeatInterval, boolean stopOnReshard, BackOff reconnectBackOff, List<String> extraKeyspaces) {
		this(id, defaultKeyspace, startPosition, tabletType, heartbeatInterval, stopOnReshard, reconnectBackOff,
				extraKeyspaces, List.of(), Map.of(), null, false);
	}

}
