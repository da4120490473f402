package dev.vstream.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.ssl.SslBundle;

/**
 * Details of the connection to vtgate's gRPC port: where it is, the TLS material and the
 * static-auth credentials. The starter's channel is built from the
 * {@code VtgateConnectionDetails} bean: by default one that reads
 * {@code vstream.vtgate.*}; a Testcontainers {@code @ServiceConnection} or a Docker
 * Compose service of the {@code vitess/vttestserver} image, or a bean of the
 * application's, replaces it.
 */
public interface VtgateConnectionDetails extends ConnectionDetails {

	/**
	 * The address of vtgate's gRPC port.
	 * @return {@code host:port} (an IPv6 host in brackets)
	 */
	String getAddress();

	/**
	 * The SSL bundle whose trust material verifies vtgate's certificate and whose key
	 * material, if any, is the client certificate.
	 * @return the bundle, or {@code null} for a plaintext connection
	 */
	default @Nullable SslBundle getSslBundle() {
		return null;
	}

	/**
	 * The user name for vtgate's static gRPC authentication.
	 * @return the user name, or {@code null} (or empty) for none
	 */
	default @Nullable String getUsername() {
		return null;
	}

	/**
	 * The password sent with the user name.
	 * @return the password, or {@code null}
	 */
	default @Nullable String getPassword() {
		return null;
	}

}
