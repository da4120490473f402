package dev.vstream.autoconfigure;

import java.util.concurrent.Executor;

import io.grpc.CallCredentials;
import io.grpc.Metadata;

/**
 * Call credentials for vtgate's static gRPC authentication
 * ({@code --grpc-auth-mode=static}): every call carries the {@code username} and
 * {@code password} metadata that vtgate's {@code StaticAuthPlugin} checks. The password
 * is never part of {@link #toString()}.
 */
final class VtgateStaticAuthCredentials extends CallCredentials {

	static final Metadata.Key<String> USERNAME = Metadata.Key.of("username", Metadata.ASCII_STRING_MARSHALLER);

	static final Metadata.Key<String> PASSWORD = Metadata.Key.of("password", Metadata.ASCII_STRING_MARSHALLER);

	private final String username;

	private final String password;

	VtgateStaticAuthCredentials(String username, String password) {
		this.username = username;
		this.password = password;
	}

	@Override
	public void applyRequestMetadata(RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
		Metadata headers = new Metadata();
		headers.put(USERNAME, this.username);
		headers.put(PASSWORD, this.password);
		applier.apply(headers);
	}

	@Override
	public String toString() {
		return "VtgateStaticAuthCredentials[username=" + this.username + ", password=******]";
	}

}
