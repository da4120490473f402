package dev.vstream.test;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.StreamPosition;

/** An in-memory offset store that remembers every save, in order. */
public class RecordingOffsets implements OffsetRepository {

	private final InMemoryOffsetRepository delegate = new InMemoryOffsetRepository();

	/** Every position saved, in order. */
	public final List<StreamPosition> saved = new CopyOnWriteArrayList<>();

	@Override
	public Optional<StreamPosition> load(String streamId) {
		return this.delegate.load(streamId);
	}

	@Override
	public void save(String streamId, StreamPosition position) {
		this.saved.add(position);
		this.delegate.save(streamId, position);
	}

	@Override
	public void delete(String streamId) {
		this.delegate.delete(streamId);
	}

}
