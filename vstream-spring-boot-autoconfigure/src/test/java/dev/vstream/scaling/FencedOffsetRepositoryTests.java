package dev.vstream.scaling;

import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.StreamPosition;
import dev.vstream.test.vtgate.Events;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every write through a fenced view goes through the fence's check,
 * {@code compareAndSave} (the path of a stream's saves) included, even over a repository
 * with a compare-and-set of its own.
 */
class FencedOffsetRepositoryTests {

	private static final StreamPosition FIRST = StreamPosition.of(Events.vgtid("customer", "-80", "MariaDB/0-1-1"));

	private static final StreamPosition SECOND = StreamPosition.of(Events.vgtid("customer", "-80", "MariaDB/0-1-2"));

	private final InMemoryOffsetRepository store = new InMemoryOffsetRepository();

	private boolean held = true;

	private final OffsetRepository fenced = new FencedOffsetRepository(this.store, "vstream:orders", "instance-0") {

		@Override
		public void save(String streamId, StreamPosition position) {
			if (!FencedOffsetRepositoryTests.this.held) {
				throw lockLost(streamId, position);
			}
			offsets().save(streamId, position);
		}

	};

	@Test
	void compareAndSaveIsRefusedWithoutTheLockEvenWhenTheExpectedPositionIsStored() {
		this.fenced.compareAndSave("orders", null, FIRST);
		assertThat(this.store.load("orders")).contains(FIRST);

		this.held = false;
		assertThatExceptionOfType(LockLostException.class)
			.isThrownBy(() -> this.fenced.compareAndSave("orders", FIRST, SECOND))
			.withMessage("Position " + SECOND + " of stream 'orders' not saved: instance 'instance-0' no longer holds "
					+ "lock 'vstream:orders'");
		assertThat(this.store.load("orders")).contains(FIRST);
	}

	@Test
	void loadsAndDeletesAreNotFenced() {
		this.store.save("orders", FIRST);
		this.held = false;
		assertThat(this.fenced.load("orders")).contains(FIRST);
		this.fenced.delete("orders");
		assertThat(this.store.load("orders")).isEmpty();
	}

}
