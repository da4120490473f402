package dev.vstream.stream;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

import binlogdata.Binlogdata.Filter;
import binlogdata.Binlogdata.Rule;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.position.StreamPosition;
import io.vitess.proto.Vtgate.VStreamFlags;
import io.vitess.proto.Vtgate.VStreamRequest;

/**
 * Builds the request a stream sends to vtgate on each (re)connect: one filter rule per
 * listened table, the settings' flags, and the position to resume from.
 */
final class VStreamRequestFactory {

	private VStreamRequestFactory() {
	}

	/**
	 * Build the request that resumes from a position.
	 * @param settings the stream's settings
	 * @param endpoints the stream's listeners
	 * @param from the position
	 * @return the request
	 */
	static VStreamRequest request(VStreamSettings settings, Collection<VStreamListenerEndpoint> endpoints,
			StreamPosition from) {
		Filter.Builder filter = Filter.newBuilder();
		Set<String> tables = new LinkedHashSet<>();
		for (VStreamListenerEndpoint endpoint : endpoints) {
			tables.add(endpoint.getTable());
		}
		for (String table : tables) {
			filter.addRules(
					Rule.newBuilder().setMatch(table).setFilter("select * from `" + table.replace("`", "``") + "`"));
		}
		VStreamFlags.Builder flags = VStreamFlags.newBuilder()
			.setHeartbeatInterval((int) settings.heartbeatInterval().toSeconds())
			.setStopOnReshard(settings.stopOnReshard())
			.addAllTablesToCopy(settings.tablesToCopy());
		return VStreamRequest.newBuilder()
			.setTabletType(settings.tabletType())
			.setVgtid(from.toVGtid())
			.setFilter(filter)
			.setFlags(flags)
			.build();
	}

}
