package dev.vstream.autoconfigure;

import dev.vstream.stream.DefaultVStreamContainer;
import dev.vstream.stream.VStreamContainerOptions;

/**
 * Callback to change the auto-configured stream container after the {@code vstream.*}
 * properties were applied, for what no property covers: a
 * {@linkplain DefaultVStreamContainer#setTaskExecutor task executor} of your own, a
 * {@linkplain VStreamContainerOptions#setTransactionDefinition transaction definition}
 * (through {@code container.getContainerOptions()}), and so on. Every customizer bean is
 * applied, in {@code @Order}; shard streams (scaled out) take the customized settings
 * over.
 */
@FunctionalInterface
public interface VStreamContainerCustomizer {

	/**
	 * Customize the container before it starts.
	 * @param container the container
	 */
	void customize(DefaultVStreamContainer container);

}
