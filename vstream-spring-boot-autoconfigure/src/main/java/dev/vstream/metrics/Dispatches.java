package dev.vstream.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.vstream.listener.ChangeEvent;
import dev.vstream.listener.VStreamListenerEndpoint;

/**
 * The {@link Dispatch} of each listener call, found without allocating: per listener, the
 * last dispatches seen in a few slots chosen by the hash of the names (the strings of one
 * response hash once, then their hash is cached), and all of them in a map by name,
 * looked up (with a key allocated) only when the slot holds another one.
 *
 * <p>
 * Concurrency: any thread. The slots are written without synchronization: a
 * {@link Dispatch} is immutable, and a reader that sees an older one only looks it up
 * again.
 */
final class Dispatches {

	// A power of two: slots are chosen by masking the hash.
	private static final int SLOTS = 16;

	private final Map<VStreamListenerEndpoint, Recent> byListener = new ConcurrentHashMap<>();

	/**
	 * The dispatch of a listener call.
	 * @param stream the stream id
	 * @param listener the listener
	 * @param event the change (the last one of the call for a listener of several)
	 * @return the dispatch, the same instance for the same names
	 */
	Dispatch get(String stream, VStreamListenerEndpoint listener, ChangeEvent event) {
		// Endpoints do not override equals: looked up by identity.
		Recent recent = this.byListener.get(listener);
		if (recent == null) {
			recent = this.byListener.computeIfAbsent(listener, (key) -> new Recent(key.getId()));
		}
		return recent.get(stream, event.keyspace(), event.shard(), event.table(),
				MicrometerVStreamMonitor.op(listener, event));
	}

	private static final class Recent {

		private final String listener;

		private final Dispatch[] slots = new Dispatch[SLOTS];

		private final Map<Key, Dispatch> all = new ConcurrentHashMap<>();

		Recent(String listener) {
			this.listener = listener;
		}

		Dispatch get(String stream, String keyspace, String shard, String table, String op) {
			int hash = (((stream.hashCode() * 31 + keyspace.hashCode()) * 31 + shard.hashCode()) * 31
					+ table.hashCode()) * 31 + op.hashCode();
			int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
			Dispatch dispatch = this.slots[slot];
			if (dispatch != null && dispatch.matches(stream, keyspace, shard, table, op)) {
				return dispatch;
			}
			dispatch = this.all.computeIfAbsent(new Key(stream, keyspace, shard, table, op),
					(key) -> new Dispatch(key.stream(), this.listener, key.keyspace(), key.shard(), key.table(),
							key.op()));
			this.slots[slot] = dispatch;
			return dispatch;
		}

	}

	private record Key(String stream, String keyspace, String shard, String table, String op) {
	}

}
