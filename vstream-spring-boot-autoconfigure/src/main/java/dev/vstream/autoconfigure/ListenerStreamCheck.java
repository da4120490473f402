package dev.vstream.autoconfigure;

import java.util.Set;
import java.util.TreeSet;

import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.listener.VStreamListenerEndpointRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Fails start-up, once every listener is registered, when a listener names a stream
 * ({@code @VStreamListener(stream = "...")}) that is neither the default stream
 * ({@code vstream.id}) nor configured under {@code vstream.streams.<id>}: its changes
 * would otherwise never come.
 */
final class ListenerStreamCheck implements SmartInitializingSingleton {

	private final ObjectProvider<VStreamListenerEndpointRegistry> registry;

	private final ObjectProvider<VStreamProperties> properties;

	ListenerStreamCheck(ObjectProvider<VStreamListenerEndpointRegistry> registry,
			ObjectProvider<VStreamProperties> properties) {
		this.registry = registry;
		this.properties = properties;
	}

	@Override
	public void afterSingletonsInstantiated() {
		VStreamListenerEndpointRegistry endpoints = this.registry.getIfAvailable();
		VStreamProperties properties = this.properties.getIfAvailable();
		if (endpoints == null || properties == null) {
			return;
		}
		Set<String> known = new TreeSet<>(properties.getStreams().keySet());
		known.add(properties.getId());
		for (VStreamListenerEndpoint endpoint : endpoints.getEndpoints()) {
			String stream = endpoint.getStream();
			if (!stream.isEmpty() && !known.contains(stream)) {
				throw new IllegalStateException("@VStreamListener method " + endpoint.getAdapter().getMethod()
						+ " (listener '" + endpoint.getId() + "') names stream '" + stream
						+ "', which is not configured: set vstream.streams." + stream
						+ ".* (at least one property, such as vstream.streams." + stream
						+ ".start-position), or name one of the configured streams " + known);
			}
		}
	}

}
