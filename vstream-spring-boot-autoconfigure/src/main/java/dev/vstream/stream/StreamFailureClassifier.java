package dev.vstream.stream;

import java.security.cert.CertificateException;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import dev.vstream.position.LogSafeText;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.jspecify.annotations.Nullable;

/**
 * Sorts the gRPC failures that end a VStream call into those a reconnect may cure and
 * those it cannot, and words the latter for the user: what failed and what to do.
 *
 * <p>
 * Retrying is the rule. vtgate answers {@code NOT_FOUND}, {@code FAILED_PRECONDITION},
 * {@code UNKNOWN} or {@code UNAVAILABLE} while a tablet restarts, a primary is switched
 * or a reshard moves traffic (it gives up on a shard after three quick failures of its
 * own), and a stream that failed there would wait for a person through every failover.
 * Only failures that waiting cannot heal fail the stream: a response larger than a
 * message limit, credentials or a certificate refused, a request vtgate rejects as
 * malformed, a keyspace vtgate confirms it does not have, shards of the position that the
 * keyspace no longer has, and binary logs purged past the position.
 */
final class StreamFailureClassifier {

	private static final Pattern KEYSPACE_NODE = Pattern.compile("node doesn't exist: keyspaces/([^/\\s]+)");

	/**
	 * A TLS alert by which the peer refuses a certificate, as BoringSSL
	 * ({@code TLSV1_ALERT_CERTIFICATE_REQUIRED}, {@code SSLV3_ALERT_BAD_CERTIFICATE}) and
	 * the JDK ({@code Received fatal alert: unknown_ca}) word it.
	 */
	private static final Pattern CERTIFICATE_ALERT = Pattern
		.compile("(?i)alert[_:\\s]+(certificate_required|bad_certificate|unsupported_certificate|certificate_revoked"
				+ "|certificate_expired|certificate_unknown|unknown_ca|access_denied|handshake_failure)");

	private final String streamId;

	private final Predicate<String> keyspaceMissing;

	private final Function<String, @Nullable String> filterRefusal;

	/**
	 * Create a classifier.
	 * @param streamId the stream id, for the messages
	 * @param keyspaceMissing whether vtgate confirms that a keyspace does not exist
	 * ({@code false} when it cannot answer)
	 */
	StreamFailureClassifier(String streamId, Predicate<String> keyspaceMissing) {
		this(streamId, keyspaceMissing, (description) -> null);
	}

	/**
	 * Create a classifier.
	 * @param streamId the stream id, for the messages
	 * @param keyspaceMissing whether vtgate confirms that a keyspace does not exist
	 * ({@code false} when it cannot answer)
	 * @param filterRefusal the message for vtgate's refusal of a listener's filter (see
	 * {@link FilterRefusals}), {@code null} for another failure
	 */
	StreamFailureClassifier(String streamId, Predicate<String> keyspaceMissing,
			Function<String, @Nullable String> filterRefusal) {
		this.streamId = streamId;
		this.keyspaceMissing = keyspaceMissing;
		this.filterRefusal = filterRefusal;
	}

	/**
	 * The error that fails the stream, when reconnecting cannot help.
	 * @param failure how the call ended
	 * @return the error to fail with, or {@code null} when the stream should reconnect
	 */
	@Nullable VStreamException permanentFailure(StatusRuntimeException failure) {
		String message = permanentMessage(failure.getStatus());
		return (message != null) ? new VStreamException("Stream '" + this.streamId + "' failed: " + message, failure)
				: null;
	}

	private @Nullable String permanentMessage(Status status) {
		String description = (status.getDescription() != null) ? status.getDescription() : "";
		switch (status.getCode()) {
			case RESOURCE_EXHAUSTED -> {
				if (description.contains("exceeds maximum size")) {
					// vtgate would send the same response again on every reconnect.
					return "a response from vtgate is larger than the channel accepts (" + shown(description)
							+ "); raise vstream.vtgate.max-inbound-message-size";
				}
				if (description.contains("trying to send message larger than max")) {
					// grpc-go's words when vtgate's own send limit refuses a response.
					return "vtgate cannot send the next response, which is larger than its own gRPC message limit ("
							+ shown(description)
							+ "). Raise vtgate's --grpc-max-message-size (16 MiB by default) above the "
							+ "largest row, and vstream.vtgate.max-inbound-message-size to at least the same, then "
							+ "restart the stream: its position stays before that row";
				}
				return null;
			}
			case UNAUTHENTICATED, PERMISSION_DENIED -> {
				return "vtgate refused the stream with " + status.getCode() + " (" + shown(description)
						+ "); check vstream.vtgate.username and vstream.vtgate.password (vtgate's static auth), "
						+ "the client certificate of vstream.vtgate.ssl.bundle, and vtgate's table ACLs";
			}
			case UNIMPLEMENTED -> {
				return "the server at vstream.vtgate.address does not serve VStream (" + shown(description)
						+ "); point vstream.vtgate.address at vtgate's gRPC port";
			}
			case INVALID_ARGUMENT -> {
				return "vtgate refused it with INVALID_ARGUMENT: " + shown(description);
			}
			case UNAVAILABLE -> {
				// A certificate vtgate or this client rejects stays rejected.
				Throwable tls = tlsFailure(status.getCause());
				return (tls != null) ? "the TLS handshake with vtgate failed (" + shown(describe(tls))
						+ "); check that the trust material of vstream.vtgate.ssl.bundle holds the CA of vtgate's "
						+ "certificate, and its key material the client certificate vtgate expects" : null;
			}
			default -> {
				return permanentByDescription(status, description);
			}
		}
	}

	private @Nullable String permanentByDescription(Status status, String description) {
		if (description.contains("stream needs a position or a table to copy")) {
			return "vtgate refused it with " + status.getCode() + ": " + shown(description);
		}
		if (description.contains("shard provided in VGTID") && description.contains("not found")) {
			return "its position names a shard that the keyspace no longer has (" + shown(description)
					+ "): the keyspace "
					+ "was resharded and the old shards deleted while the stream was not following. The changes "
					+ "between the saved position and the reshard cannot be streamed any more; copy the tables "
					+ "again with a reset to 'copy' (POST /actuator/vstream/" + this.streamId
					+ " {\"action\":\"reset\",\"position\":\"copy\"}), or to 'current' to skip them";
		}
		if (isPurged(description)) {
			return "the tablets no longer have the binary logs from its position on (" + shown(description)
					+ "): the changes since cannot be streamed any more. Copy the tables again with a reset to "
					+ "'copy' (POST /actuator/vstream/" + this.streamId
					+ " {\"action\":\"reset\",\"position\":\"copy\"}), or to 'current' to skip them; "
					+ "keep binary logs longer than the stream may be stopped";
		}
		String refusal = this.filterRefusal.apply(description);
		if (refusal != null) {
			return refusal;
		}
		Matcher keyspace = KEYSPACE_NODE.matcher(description);
		if (keyspace.find() && this.keyspaceMissing.test(keyspace.group(1))) {
			return "keyspace '" + shown(keyspace.group(1)) + "' does not exist in vtgate (" + shown(description)
					+ "); check @VStreamListener(keyspace) and vstream.keyspace";
		}
		return null;
	}

	/** vtgate's text, fit for a message that is logged and shown: escaped, capped. */
	private static String shown(String text) {
		return LogSafeText.of(text, 2000);
	}

	/**
	 * MySQL's and MariaDB's words (error 1236) when a replication position is older than
	 * the oldest binary log.
	 */
	private static boolean isPurged(String description) {
		return description.contains("purged binary logs")
				|| description.contains("Could not find GTID state requested by slave in any binlog files")
				|| description.contains("required binlog files have been purged");
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
			// With TLS 1.3 the client's side of the handshake is over before vtgate
			// checks
			// the client certificate: its refusal comes as an alert on the first read, a
			// plain SSLException that only its message tells apart from a broken link.
			if (current instanceof SSLException && current.getMessage() != null
					&& CERTIFICATE_ALERT.matcher(current.getMessage()).find()) {
				return current;
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return null;
	}

}
