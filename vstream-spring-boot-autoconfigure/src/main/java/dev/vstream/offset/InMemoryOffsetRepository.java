package dev.vstream.offset;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.vstream.position.StreamPosition;
import org.jspecify.annotations.Nullable;

/**
 * Keeps positions in memory only: a restarted application starts over from its configured
 * start position. Meant for tests and for streams whose consumers are idempotent and
 * short-lived.
 */
public class InMemoryOffsetRepository implements OffsetRepository {

	private final Map<String, StreamPosition> positions = new ConcurrentHashMap<>();

	@Override
	public Optional<StreamPosition> load(String streamId) {
		return Optional.ofNullable(this.positions.get(streamId));
	}

	@Override
	public void save(String streamId, StreamPosition position) {
		this.positions.put(streamId, position);
	}

	@Override
	public void compareAndSave(String streamId, @Nullable StreamPosition expected, StreamPosition position) {
		Objects.requireNonNull(position, "position");
		// compute() runs atomically per key; throwing from it leaves the mapping
		// unchanged.
		this.positions.compute(streamId, (id, stored) -> {
			if (!Objects.equals(stored, expected)) {
				throw new PositionConflictException(id, position, expected, stored);
			}
			return position;
		});
	}

	@Override
	public void delete(String streamId) {
		this.positions.remove(streamId);
	}

}
