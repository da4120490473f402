package dev.vstream.stream;

import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.jspecify.annotations.Nullable;

/**
 * Sorts the gRPC failures that end a VStream call into those a reconnect may cure and
 * those it cannot, and words the latter for the user: what failed and which setting to
 * change. A failure that retrying cannot fix (a response larger than a message limit, a
 * refused request, a rejected certificate) would otherwise make the stream reconnect for
 * ever.
 */
final class StreamFailureClassifier {

	private StreamFailureClassifier() {
	}

	/**
	 * The error that fails the stream, when reconnecting cannot help.
	 * @param streamId the stream id, for the message
	 * @param failure how the call ended
	 * @return the error to fail with, or {@code null} when the stream should reconnect
	 */
	static @Nullable VStreamException permanentFailure(String streamId, StatusRuntimeException failure) {
		Status status = failure.getStatus();
		if (isTooLarge(status)) {
			// vtgate would send the same response again on every reconnect.
			return new VStreamException(
					"Stream '" + streamId + "' failed: a response from vtgate is larger than " + "the channel accepts ("
							+ status.getDescription() + "); raise vstream.vtgate.max-inbound-message-size",
					failure);
		}
		if (isTooLargeForVtgate(status)) {
			// vtgate fails every attempt at the same row: retrying cannot get past it.
			return new VStreamException("Stream '" + streamId + "' failed: vtgate cannot send the next response, "
					+ "which is larger than its own gRPC message limit (" + status.getDescription()
					+ "). Raise vtgate's --grpc-max-message-size (16 MiB by default) above the largest row, and "
					+ "vstream.vtgate.max-inbound-message-size to at least the same, then restart the stream: "
					+ "its position stays before that row", failure);
		}
		if (isPermanent(status)) {
			Throwable tls = tlsFailure(status.getCause());
			return new VStreamException((tls != null)
					? "Stream '" + streamId + "' failed: the TLS handshake with vtgate failed (" + describe(tls)
							+ "); check that the trust material of vstream.vtgate.ssl.bundle holds the CA of vtgate's "
							+ "certificate, and its key material the client certificate vtgate expects"
					: "Stream '" + streamId + "' failed: vtgate refused it with " + status.getCode() + ": "
							+ status.getDescription(),
					failure);
		}
		return null;
	}

	private static boolean isTooLarge(Status status) {
		return status.getCode() == Status.Code.RESOURCE_EXHAUSTED && status.getDescription() != null
				&& status.getDescription().contains("exceeds maximum size");
	}

	/**
	 * grpc-go's words when vtgate's own send limit ({@code --grpc-max-message-size})
	 * refuses a response.
	 */
	private static boolean isTooLargeForVtgate(Status status) {
		return status.getCode() == Status.Code.RESOURCE_EXHAUSTED && status.getDescription() != null
				&& status.getDescription().contains("trying to send message larger than max");
	}

	private static boolean isPermanent(Status status) {
		return switch (status.getCode()) {
			case INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, UNAUTHENTICATED, UNIMPLEMENTED, FAILED_PRECONDITION ->
				true;
			// vtgate reports a keyspace missing from the topology, and a stream with
			// nothing to copy and no position (tables-to-copy naming no listened table),
			// as UNKNOWN: retrying fixes neither.
			case UNKNOWN ->
				status.getDescription() != null && (status.getDescription().contains("node doesn't exist: keyspaces/")
						|| status.getDescription().contains("stream needs a position or a table to copy"));
			// A certificate vtgate or this client rejects stays rejected: retrying would
			// loop for ever.
			case UNAVAILABLE -> tlsFailure(status.getCause()) != null;
			default -> false;
		};
	}

	private static String describe(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return (root == failure) ? failure.toString() : failure + ", caused by " + root.getMessage();
	}

	private static @Nullable Throwable tlsFailure(@Nullable Throwable cause) {
		for (Throwable current = cause; current != null; current = current.getCause()) {
			if (current instanceof SSLHandshakeException || current instanceof CertificateException) {
				return current;
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return null;
	}

}
