package dev.vstream.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.vstream.listener.ChangeEvent;
import dev.vstream.listener.Operation;
import dev.vstream.listener.VStreamListenerEndpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Dispatches} hands out one {@link Dispatch} per stream, listener, keyspace,
 * shard, table and operation, also when more of them interleave than it keeps in its
 * slots, so that the cached meters count each call under its own tags.
 */
class DispatchesTests {

	private final ListenerCalls calls = new ListenerCalls();

	private final VStreamListenerEndpoint projection = this.calls.listener("projection.on");

	private final VStreamListenerEndpoint audit = this.calls.listener("audit.on");

	@AfterEach
	void close() {
		this.calls.close();
	}

	@Test
	void theSameNamesGiveTheSameDispatchAndOthersAnother() {
		Dispatches dispatches = new Dispatches();
		List<ChangeEvent> changes = changes();
		Set<Dispatch> seen = new HashSet<>();
		for (ChangeEvent change : changes) {
			seen.add(dispatches.get("orders", this.projection, change));
			seen.add(dispatches.get("orders", this.audit, change));
			seen.add(dispatches.get("orders@commerce/-80", this.projection, change));
		}
		assertThat(seen).hasSize(3 * changes.size());

		// Again, with copies of the names (a new response) and in another order.
		List<ChangeEvent> reversed = new ArrayList<>(changes);
		Collections.reverse(reversed);
		for (ChangeEvent change : reversed) {
			ChangeEvent copy = ListenerCalls.change(change.keyspace(), change.shard(), change.table(), change.op(),
					null);
			Dispatch dispatch = dispatches.get("orders", this.audit, copy);
			assertThat(seen).contains(dispatch);
			assertThat(dispatch.tags).isEqualTo(Tags.of("stream", "orders", "listener", "audit.on", "keyspace",
					change.keyspace(), "shard", change.shard(), "table", change.table(), "op",
					MicrometerVStreamMonitor.op(this.audit, change)));
		}
	}

	@Test
	void eachCallIsTimedUnderItsOwnTags() {
		MeterRegistry registry = new SimpleMeterRegistry();
		MicrometerVStreamMonitor monitor = new MicrometerVStreamMonitor(registry, null, null);
		List<ChangeEvent> changes = changes();

		for (int round = 1; round <= 3; round++) {
			for (int i = 0; i < changes.size(); i++) {
				// The i-th change i times per round: counts differ per combination.
				for (int time = 0; time <= i; time++) {
					monitor.changeHandled(ListenerCalls.container("orders"), this.projection, changes.get(i), 1000,
							null);
				}
			}
		}

		for (int i = 0; i < changes.size(); i++) {
			ChangeEvent change = changes.get(i);
			assertThat(registry.get("vstream.changes.dispatched")
				.tags("stream", "orders", "listener", "projection.on", "keyspace", change.keyspace(), "shard",
						change.shard(), "table", change.table(), "op",
						MicrometerVStreamMonitor.op(this.projection, change), "outcome", "success")
				.timer()
				.count()).as("calls of %s", change).isEqualTo(3L * (i + 1));
		}
		assertThat(registry.find("vstream.changes.dispatched").timers()).hasSize(changes.size());
	}

	// More combinations than slots: 2 keyspaces, 4 shards, 3 tables, 3 operations.
	private static List<ChangeEvent> changes() {
		List<ChangeEvent> changes = new ArrayList<>();
		for (String keyspace : List.of("commerce", "customer")) {
			for (String shard : List.of("-40", "40-80", "80-c0", "c0-")) {
				for (String table : List.of("corder", "customer", "product")) {
					for (Operation op : Operation.values()) {
						changes.add(ListenerCalls.change(keyspace, shard, table, op, null));
					}
				}
			}
		}
		return changes;
	}

}
