package dev.vstream.offset;

import java.util.Optional;

import com.google.protobuf.util.JsonFormat;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamException;
import dev.vstream.test.vtgate.ScriptedVtgate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The contract of repositories backed by a real store, which can hold a value that is not
 * a position (written by hand, by an older version, or cut short): loading it must fail
 * and must leave it as it is, so that nobody resumes from a made-up position.
 */
abstract class PersistentOffsetRepositoryContractTests extends OffsetRepositoryContractTests {

	/**
	 * Write a raw stored value for a stream, bypassing the repository.
	 */
	protected abstract void storeRawValue(String streamId, String value);

	/**
	 * Read the raw stored value of a stream, bypassing the repository.
	 */
	protected abstract Optional<String> readRawValue(String streamId);

	/**
	 * Text that identifies the store in error messages (a table name, a Redis key).
	 */
	protected abstract String storeName(String streamId);

	@ParameterizedTest(name = "[{index}] {0}")
	@ValueSource(strings = { "{\"shardGtids\":[{\"keyspace\":\"commerce\",\"shard\":\"-80\",\"gtid\":\"MySQL56/3e11",
			"[{\"keyspace\":\"commerce\"}]", "\"MySQL56/3e11fa47-71ca-11e1-9e33-c80aa9429562:1-42\"", "42",
			"{\"table\":\"customer\",\"lastpk\":1}", "{}", "", "   " })
	void unreadableStoredValueFailsLoadAndIsLeftAsItIs(String stored) {
		String id = streamId("corrupt");
		storeRawValue(id, stored);

		for (int attempt = 0; attempt < 2; attempt++) {
			assertThatExceptionOfType(OffsetStoreException.class).isThrownBy(() -> repository().load(id))
				.withMessageContaining(id)
				.withMessageContaining(storeName(id));
		}
		assertThat(readRawValue(id)).contains(stored);
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"shardGtids\":[{\"keyspace\":\"commerce\"", "not json" })
	void unreadableStoredValueCanBeReplacedAfterDelete(String stored) {
		String id = streamId("corrupt");
		storeRawValue(id, stored);

		repository().delete(id);
		repository().save(id, position(7));

		assertThat(repository().load(id)).contains(position(7));
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"shardGtids\":[{\"keyspace\":\"commerce\"", "not json" })
	void compareAndSaveNeverOverwritesAnUnreadableStoredValue(String stored) {
		String id = streamId("corrupt");
		storeRawValue(id, stored);

		assertThatExceptionOfType(OffsetStoreException.class)
			.isThrownBy(() -> repository().compareAndSave(id, null, position(1)))
			.withMessageContaining(id)
			.withMessageContaining(storeName(id));
		assertThatExceptionOfType(OffsetStoreException.class)
			.isThrownBy(() -> repository().compareAndSave(id, position(1), position(2)));
		assertThat(readRawValue(id)).contains(stored);
	}

	@Test
	void compareAndSaveAcceptsTheExpectedPositionStoredInAnotherJsonForm() throws Exception {
		// As an earlier version might have written it: snake_case names, whitespace.
		String id = streamId("older");
		String older = JsonFormat.printer().preservingProtoFieldNames().print(position(1).toVGtid());
		assertThat(older).isNotEqualTo(position(1).toJson());
		storeRawValue(id, older);

		repository().compareAndSave(id, position(1), position(2));

		assertThat(repository().load(id)).contains(position(2));
	}

	@Test
	void savedValueIsTheJsonFormOfThePosition() {
		String id = streamId("orders");
		repository().save(id, position(9));

		assertThat(readRawValue(id)).contains(position(9).toJson());
	}

	@ParameterizedTest(name = "[{index}] {0}")
	@ValueSource(strings = { "{\"shardGtids\":[{\"keyspace\":\"commerce\",\"shard\":\"0\",\"gtid\":\"MariaDB/0-1",
			"[{\"keyspace\":\"commerce\",\"shard\":\"0\"}]", "\"MariaDB/0-1-42\"", "42", "{}" })
	void streamDoesNotStartFromAnUnreadableStoredValueNorOverwriteIt(String stored) {
		String id = streamId("corrupt");
		storeRawValue(id, stored);
		try (ScriptedVtgate vtgate = new ScriptedVtgate()) {
			VStreamContainer container = ContainerOnStore.create(id, "commerce", repository(), vtgate);

			assertThatExceptionOfType(VStreamException.class).isThrownBy(container::start)
				.withMessageContaining("'" + id + "' cannot start: its saved position cannot be read")
				.withMessageContaining(storeName(id));
			assertThat(container.getState()).isEqualTo(StreamState.FAILED);
			assertThat(container.isRunning()).isFalse();
			container.stop();
			// no request to vtgate, so nothing was streamed from a made-up position
			assertThat(vtgate.requests()).isEmpty();
		}
		assertThat(readRawValue(id)).contains(stored);
	}

	@Test
	void streamDoesNotStartFromAnotherStreamsPositionNorOverwriteIt() {
		String id = streamId("orders");
		// position(n) covers keyspaces commerce and customer: the position of other
		// listeners
		repository().save(id, position(3));
		String stored = readRawValue(id).orElseThrow();
		try (ScriptedVtgate vtgate = new ScriptedVtgate()) {
			VStreamContainer container = ContainerOnStore.create(id, "product", repository(), vtgate);

			assertThatExceptionOfType(VStreamException.class).isThrownBy(container::start)
				.withMessageContaining("'" + id + "' cannot start")
				.withMessageContaining("covers keyspaces [commerce, customer] but its listeners stream [product]");
			assertThat(container.getState()).isEqualTo(StreamState.FAILED);
			container.stop();
			assertThat(vtgate.requests()).isEmpty();
		}
		assertThat(readRawValue(id)).contains(stored);
		assertThat(repository().load(id)).contains(position(3));
	}

}
