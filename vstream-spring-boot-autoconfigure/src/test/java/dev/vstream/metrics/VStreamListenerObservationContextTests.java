package dev.vstream.metrics;

import dev.vstream.listener.ChangeEvent;
import dev.vstream.listener.Operation;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The key values of {@link VStreamListenerObservationContext} behave as any context's:
 * added, replaced by key, removed, read one by one and all together.
 */
class VStreamListenerObservationContextTests {

	private final ListenerCalls calls = new ListenerCalls();

	private final VStreamListenerObservationContext context = new VStreamListenerObservationContext("orders",
			this.calls.listener("projection.on"),
			ListenerCalls.change("commerce", "0", "corder", Operation.INSERT, ListenerCalls.COMMIT_TIME));

	@AfterEach
	void close() {
		this.calls.close();
	}

	@Test
	void keyValuesAreAddedReplacedByKeyAndRemoved() {
		KeyValues added = KeyValues.of("vstream.table", "corder", "vstream.shard", "0");
		this.context.addLowCardinalityKeyValues(added);
		assertThat(this.context.getLowCardinalityKeyValues()).isSameAs(added);

		this.context.addLowCardinalityKeyValues(added);
		this.context.addLowCardinalityKeyValue(KeyValue.of("region", "eu"));
		this.context.addLowCardinalityKeyValue(KeyValue.of("vstream.shard", "-80"));

		assertThat(this.context.getLowCardinalityKeyValues()).containsExactly(KeyValue.of("region", "eu"),
				KeyValue.of("vstream.shard", "-80"), KeyValue.of("vstream.table", "corder"));
		assertThat(this.context.getLowCardinalityKeyValue("vstream.shard"))
			.isEqualTo(KeyValue.of("vstream.shard", "-80"));
		assertThat(this.context.getLowCardinalityKeyValue("vstream.keyspace")).isNull();

		this.context.removeLowCardinalityKeyValues("region", "vstream.keyspace");

		assertThat(this.context.getLowCardinalityKeyValues()).containsExactly(KeyValue.of("vstream.shard", "-80"),
				KeyValue.of("vstream.table", "corder"));
	}

	@Test
	void highCardinalityKeyValuesLikewise() {
		this.context.addHighCardinalityKeyValue(KeyValue.of("row", "1"));
		this.context.addHighCardinalityKeyValues(KeyValues.of("row", "2", "tx", "9"));
		this.context.removeHighCardinalityKeyValue("tx");

		assertThat(this.context.getHighCardinalityKeyValues()).containsExactly(KeyValue.of("row", "2"));
		assertThat(this.context.getHighCardinalityKeyValue("row")).isEqualTo(KeyValue.of("row", "2"));
		this.context.addLowCardinalityKeyValue(KeyValue.of("vstream.table", "corder"));
		assertThat(this.context.getAllKeyValues()).containsExactly(KeyValue.of("row", "2"),
				KeyValue.of("vstream.table", "corder"));
		assertThat(this.context.toString()).contains("vstream.table='corder'").contains("row='2'");
	}

	@Test
	void theCommitTimeIsTheChangesAsIsoText() {
		KeyValues commitTime = this.context.getCommitTimeKeyValues();

		assertThat(commitTime).isSameAs(this.context.getCommitTimeKeyValues());
		assertThat(commitTime).singleElement().satisfies((keyValue) -> {
			assertThat(keyValue.getKey()).isEqualTo("vstream.commit.time");
			assertThat(keyValue.getValue()).isEqualTo("2025-06-01T10:15:30.123456Z");
		});
	}

	@Test
	void aCopiedRowHasNoCommitTime() {
		ChangeEvent copied = ListenerCalls.change("commerce", "0", "corder", Operation.INSERT, null);
		VStreamListenerObservationContext context = new VStreamListenerObservationContext("orders",
				this.context.getListener(), copied);

		assertThat(context.getCommitTimeKeyValues()).isEmpty();
	}

}
