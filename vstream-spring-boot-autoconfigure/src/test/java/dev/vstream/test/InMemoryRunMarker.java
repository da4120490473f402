package dev.vstream.test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.vstream.offset.StreamRunMarker;

/**
 * A run marker as a user could supply one: here, in memory.
 */
public final class InMemoryRunMarker implements StreamRunMarker {

	private final Set<String> ran = ConcurrentHashMap.newKeySet();

	@Override
	public boolean hasRun(String streamId) {
		return this.ran.contains(streamId);
	}

	@Override
	public void markRun(String streamId) {
		this.ran.add(streamId);
	}

	@Override
	public void forget(String streamId) {
		this.ran.remove(streamId);
	}

}
