package dev.vstream.stream;

import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Looks streams up by id, for applications that start, stop, pause or resume them from
 * code (listeners are found in
 * {@link dev.vstream.listener.VStreamListenerEndpointRegistry}).
 *
 * <pre class="code">
 * registry.getRequiredContainer("default").pause();
 * </pre>
 */
public class VStreamContainerRegistry {

	private final Supplier<? extends Collection<VStreamContainer>> containers;

	/**
	 * Create a registry.
	 * @param containers supplies the streams on each lookup, so that streams defined
	 * later are found
	 */
	public VStreamContainerRegistry(Supplier<? extends Collection<VStreamContainer>> containers) {
		Assert.notNull(containers, "'containers' must not be null");
		this.containers = containers;
	}

	/**
	 * @return every stream
	 */
	public List<VStreamContainer> getContainers() {
		return List.copyOf(this.containers.get());
	}

	/**
	 * @return the ids of every stream
	 */
	public List<String> getContainerIds() {
		return this.containers.get().stream().map(VStreamContainer::getId).toList();
	}

	/**
	 * Return the stream with an id.
	 * @param id the stream id
	 * @return the stream, or {@code null}
	 */
	public @Nullable VStreamContainer getContainer(String id) {
		for (VStreamContainer container : this.containers.get()) {
			if (container.getId().equals(id)) {
				return container;
			}
		}
		return null;
	}

	/**
	 * Return the stream with an id.
	 * @param id the stream id
	 * @return the stream
	 * @throws IllegalArgumentException when there is none
	 */
	public VStreamContainer getRequiredContainer(String id) {
		VStreamContainer container = getContainer(id);
		if (container == null) {
			throw new IllegalArgumentException("No stream with id '" + id + "'; known: " + getContainerIds());
		}
		return container;
	}

}
