package dev.vstream.listener;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Holds every registered listener endpoint by id, for the stream containers to dispatch
 * to and for applications to look up, start and stop listeners at runtime.
 */
public class VStreamListenerEndpointRegistry {

	private final Map<String, VStreamListenerEndpoint> endpoints = Collections.synchronizedMap(new LinkedHashMap<>());

	private final Map<String, DdlListenerEndpoint> ddlEndpoints = Collections.synchronizedMap(new LinkedHashMap<>());

	/**
	 * Register an endpoint.
	 * @param endpoint the endpoint
	 * @throws IllegalStateException when another endpoint has the same id
	 */
	public void register(VStreamListenerEndpoint endpoint) {
		VStreamListenerEndpoint previous = this.endpoints.putIfAbsent(endpoint.getId(), endpoint);
		if (previous != null) {
			throw new IllegalStateException(
					"Another @VStreamListener is already registered with id '" + endpoint.getId() + "': "
							+ previous.getAdapter().getMethod() + " and " + endpoint.getAdapter().getMethod());
		}
	}

	/**
	 * Register a receiver of schema changes.
	 * @param endpoint the endpoint
	 * @throws IllegalStateException when another DDL endpoint has the same id
	 */
	public void registerDdlListener(DdlListenerEndpoint endpoint) {
		DdlListenerEndpoint previous = this.ddlEndpoints.putIfAbsent(endpoint.id(), endpoint);
		if (previous != null) {
			throw new IllegalStateException(
					"Another @VStreamDdlListener is already registered with id '" + endpoint.id() + "'");
		}
	}

	/**
	 * Return the receivers of schema changes, in registration order.
	 * @return the DDL endpoints
	 */
	public Collection<DdlListenerEndpoint> getDdlListeners() {
		synchronized (this.ddlEndpoints) {
			return List.copyOf(this.ddlEndpoints.values());
		}
	}

	/**
	 * Return the endpoint with an id.
	 * @param id the listener id
	 * @return the endpoint, or {@code null}
	 */
	public @Nullable VStreamListenerEndpoint getEndpoint(String id) {
		return this.endpoints.get(id);
	}

	/**
	 * Return the endpoint with an id.
	 * @param id the listener id
	 * @return the endpoint
	 * @throws IllegalArgumentException when there is none
	 */
	public VStreamListenerEndpoint getRequiredEndpoint(String id) {
		VStreamListenerEndpoint endpoint = getEndpoint(id);
		if (endpoint == null) {
			throw new IllegalArgumentException("No @VStreamListener with id '" + id + "'");
		}
		return endpoint;
	}

	/**
	 * Start delivering changes to a listener that was not started
	 * ({@code autoStartup=false}) or was stopped; changes its stream passed meanwhile are
	 * not delivered again.
	 * @param id the listener id
	 * @throws IllegalArgumentException when there is no listener with that id
	 */
	public void startListener(String id) {
		getRequiredEndpoint(id).setRunning(true);
	}

	/**
	 * Stop delivering changes to a listener; its stream goes on without it.
	 * @param id the listener id
	 * @throws IllegalArgumentException when there is no listener with that id
	 */
	public void stopListener(String id) {
		getRequiredEndpoint(id).setRunning(false);
	}

	/**
	 * Return all endpoints, in registration order.
	 * @return the endpoints
	 */
	public Collection<VStreamListenerEndpoint> getEndpoints() {
		synchronized (this.endpoints) {
			return List.copyOf(this.endpoints.values());
		}
	}

}
