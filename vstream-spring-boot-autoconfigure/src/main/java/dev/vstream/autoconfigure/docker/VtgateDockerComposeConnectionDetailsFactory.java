package dev.vstream.autoconfigure.docker;

import java.util.Map;

import dev.vstream.autoconfigure.VtgateConnectionDetails;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionDetailsFactory;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;
import org.springframework.boot.ssl.SslBundle;

/**
 * {@link DockerComposeConnectionDetailsFactory} of {@link VtgateConnectionDetails} for a
 * Docker Compose service of the {@code vitess/vttestserver} image: vtgate's gRPC port is
 * the service's {@code PORT} environment variable plus one, as published on the host. An
 * SSL bundle comes from the service's {@code org.springframework.boot.sslbundle.*}
 * labels, as for Spring Boot's own services.
 */
class VtgateDockerComposeConnectionDetailsFactory
		extends DockerComposeConnectionDetailsFactory<VtgateConnectionDetails> {

	/**
	 * The base port of the image's examples, when the service sets no {@code PORT}.
	 */
	static final int DEFAULT_BASE_PORT = 33574;

	VtgateDockerComposeConnectionDetailsFactory() {
		super("vitess/vttestserver");
	}

	@Override
	protected VtgateConnectionDetails getDockerComposeConnectionDetails(DockerComposeConnectionSource source) {
		return new VtgateDockerComposeConnectionDetails(source.getRunningService());
	}

	/**
	 * vtgate's gRPC port in a vttestserver container.
	 * @param env the service's environment
	 * @return the port inside the container
	 */
	static int grpcPort(Map<String, String> env) {
		String base = env.get("PORT");
		return ((base != null && !base.isBlank()) ? Integer.parseInt(base.trim()) : DEFAULT_BASE_PORT) + 1;
	}

	/**
	 * {@link VtgateConnectionDetails} of a vttestserver service.
	 */
	static final class VtgateDockerComposeConnectionDetails extends DockerComposeConnectionDetails
			implements VtgateConnectionDetails {

		private final String address;

		private final @Nullable SslBundle sslBundle;

		VtgateDockerComposeConnectionDetails(RunningService service) {
			super(service);
			String host = service.host();
			this.address = (host.contains(":") ? "[" + host + "]" : host) + ":"
					+ service.ports().get(grpcPort(service.env()));
			this.sslBundle = getSslBundle(service);
		}

		@Override
		public String getAddress() {
			return this.address;
		}

		@Override
		public @Nullable SslBundle getSslBundle() {
			return this.sslBundle;
		}

	}

}
