package dev.vstream.offset;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.vstream.stream.StreamPosition;

/**
 * Keeps positions in memory only: a restarted application starts over from its configured start
 * position. Meant for tests and for streams whose consumers are idempotent and short-lived.
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
	public void delete(String streamId) {
		this.positions.remove(streamId);
	}

}
