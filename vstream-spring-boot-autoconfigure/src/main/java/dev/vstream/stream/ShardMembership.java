package dev.vstream.stream;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VGtid;
import dev.vstream.position.LogSafeText;
import dev.vstream.position.ShardKey;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import org.jspecify.annotations.Nullable;

/**
 * Whether the shards a position names are shards of its keyspaces. A shard is known when
 * it is
 * <ul>
 * <li>the keyspace-level entry (no shard name), which vtgate resolves itself;</li>
 * <li>a shard {@linkplain #know(Iterable) made known}: those of the position a connection
 * resumed from (checked when it was stored) and the new shards of a reshard journal
 * received on it;</li>
 * <li>a shard vtgate lists when asked: serving ({@code SHOW VITESS_SHARDS}) or with
 * tablets it sees ({@code SHOW VITESS_TABLETS}). The second covers a reshard: vtgate
 * follows its new shards as soon as their journal is written, before traffic switches to
 * them, and the old shards keep their tablets until the workflow is completed.</li>
 * </ul>
 * vtgate is asked only for a position naming a shard not known yet, which happens when a
 * stream starts at a keyspace (its first position names the shards) and at a reshard. A
 * keyspace for which vtgate lists nothing (it cannot answer now, or does not know these
 * statements) is not checked: its positions are still bounded by their syntax.
 *
 * <p>
 * Not thread-safe: one instance per connection, or per check.
 */
final class ShardMembership {

	private final Channel channel;

	private final Set<ShardKey> known = new HashSet<>();

	ShardMembership(Channel channel) {
		this.channel = channel;
	}

	/**
	 * Make shards known, without asking vtgate.
	 * @param shards the entries of a position or a journal
	 */
	void know(Iterable<ShardGtid> shards) {
		for (ShardGtid shard : shards) {
			this.known.add(ShardKey.of(shard));
		}
	}

	/**
	 * Why a position names shards that are not shards of their keyspace (neither known
	 * nor listed by vtgate); the shards vtgate lists become known.
	 * @param vgtid the position
	 * @return the reason, naming the unknown shards and what vtgate lists; {@code null}
	 * when every shard is known or cannot be checked
	 */
	@Nullable String refusal(VGtid vgtid) {
		Set<ShardKey> asked = new LinkedHashSet<>();
		for (ShardGtid shard : vgtid.getShardGtidsList()) {
			ShardKey key = ShardKey.of(shard);
			if (!shard.getShard().isEmpty() && !this.known.contains(key)) {
				asked.add(key);
			}
		}
		if (asked.isEmpty()) {
			return null;
		}
		Map<String, Set<String>> listed = new LinkedHashMap<>();
		List<ShardKey> unknown = new ArrayList<>();
		for (ShardKey key : asked) {
			Set<String> shards = listed.computeIfAbsent(key.keyspace(), this::listed);
			if (shards.isEmpty() || shards.contains(key.shard())) {
				this.known.add(key);
			}
			else {
				unknown.add(key);
			}
		}
		if (unknown.isEmpty()) {
			return null;
		}
		StringBuilder lists = new StringBuilder();
		for (ShardKey key : unknown) {
			if (lists.indexOf(key.keyspace() + " [") < 0) {
				lists.append(lists.isEmpty() ? "" : ", ")
					.append(key.keyspace())
					.append(' ')
					.append(new TreeSet<>(listed.get(key.keyspace())));
			}
		}
		return "it names " + ((unknown.size() == 1) ? "shard " + unknown.get(0) : "shards " + unknown)
				+ ", not a shard of its keyspace (vtgate lists " + LogSafeText.of(lists.toString(), 2000) + ")";
	}

	/**
	 * The shards vtgate lists for a keyspace now, serving or with tablets.
	 * @param keyspace the keyspace
	 * @return its shards, empty when vtgate lists none (or cannot answer)
	 */
	Set<String> listed(String keyspace) {
		Set<String> shards = new HashSet<>();
		try {
			shards.addAll(VtgateQueries.servingShards(this.channel, keyspace));
		}
		catch (StatusRuntimeException | IllegalStateException ex) {
			// Not answered: the shards with tablets are all there is to go by.
		}
		try {
			// Cell, Keyspace, Shard, TabletType, State, Alias, Hostname, ...
			for (List<String> tablet : VtgateQueries.rows(this.channel, keyspace, "show vitess_tablets")) {
				if (tablet.size() > 2 && keyspace.equals(tablet.get(1)) && tablet.get(2) != null) {
					shards.add(tablet.get(2));
				}
			}
		}
		catch (StatusRuntimeException | IllegalStateException ex) {
			// Not answered: the serving shards are all there is to go by.
		}
		return shards;
	}

}
