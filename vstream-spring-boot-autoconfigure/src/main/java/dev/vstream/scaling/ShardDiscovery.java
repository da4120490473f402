package dev.vstream.scaling;

import java.util.List;

/**
 * Lists the serving shards of a keyspace.
 */
@FunctionalInterface
public interface ShardDiscovery {

	/**
	 * List the shards of a keyspace.
	 * @param keyspace the keyspace
	 * @return its shard names (such as {@code -80}, {@code 80-}, or {@code 0} for an
	 * unsharded keyspace)
	 * @throws RuntimeException when the shards cannot be listed now
	 */
	List<String> shards(String keyspace);

}
