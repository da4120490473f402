package dev.vstream.autoconfigure.testcontainers;

import java.util.Map;

import dev.vstream.autoconfigure.VtgateConnectionDetails;
import org.jspecify.annotations.Nullable;
import org.testcontainers.containers.Container;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;

/**
 * {@link ContainerConnectionDetailsFactory} of {@link VtgateConnectionDetails} for a
 * {@link ServiceConnection @ServiceConnection} container of the
 * {@code vitess/vttestserver} image (or one named so by the annotation): vtgate's gRPC
 * port of vttestserver is its {@code PORT} environment variable plus one, mapped to the
 * host's port.
 */
class VtgateContainerConnectionDetailsFactory
		extends ContainerConnectionDetailsFactory<Container<?>, VtgateConnectionDetails> {

	/**
	 * The base port of the image's examples, when the container sets no {@code PORT}.
	 */
	static final int DEFAULT_BASE_PORT = 33574;

	VtgateContainerConnectionDetailsFactory() {
		super("vitess/vttestserver");
	}

	@Override
	protected VtgateConnectionDetails getContainerConnectionDetails(ContainerConnectionSource<Container<?>> source) {
		return new VtgateContainerConnectionDetails(source);
	}

	/**
	 * vtgate's gRPC port in a vttestserver container.
	 * @param env the container's environment
	 * @return the port inside the container
	 */
	static int grpcPort(Map<String, String> env) {
		String base = env.get("PORT");
		return ((base != null && !base.isBlank()) ? Integer.parseInt(base.trim()) : DEFAULT_BASE_PORT) + 1;
	}

	/**
	 * {@link VtgateConnectionDetails} of a vttestserver container.
	 */
	static final class VtgateContainerConnectionDetails extends ContainerConnectionDetails<Container<?>>
			implements VtgateConnectionDetails {

		VtgateContainerConnectionDetails(ContainerConnectionSource<Container<?>> source) {
			super(source);
		}

		@Override
		public String getAddress() {
			Container<?> container = getContainer();
			String host = container.getHost();
			return (host.contains(":") ? "[" + host + "]" : host) + ":"
					+ container.getMappedPort(grpcPort(container.getEnvMap()));
		}

		@Override
		public @Nullable SslBundle getSslBundle() {
			return super.getSslBundle();
		}

	}

}
