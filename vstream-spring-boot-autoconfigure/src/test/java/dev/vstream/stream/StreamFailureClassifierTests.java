package dev.vstream.stream;

import java.io.IOException;
import javax.net.ssl.SSLException;

import io.grpc.Status;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which TLS failures fail a stream at once: a certificate refused by either side stays
 * refused, a connection broken in the middle of TLS does not.
 */
class StreamFailureClassifierTests {

	private final StreamFailureClassifier classifier = new StreamFailureClassifier("orders", (keyspace) -> false);

	@ParameterizedTest
	@ValueSource(strings = {
			// BoringSSL (grpc-netty-shaded's tcnative), TLS 1.3: no client certificate
			"error:1000045c:SSL routines:OPENSSL_internal:TLSV1_ALERT_CERTIFICATE_REQUIRED",
			"error:10000416:SSL routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_UNKNOWN",
			"error:10000418:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA",
			"error:10000412:SSL routines:OPENSSL_internal:SSLV3_ALERT_BAD_CERTIFICATE",
			// the JDK's provider
			"Received fatal alert: certificate_required", "Received fatal alert: bad_certificate",
			"Received fatal alert: certificate_expired", "Received fatal alert: access_denied" })
	void certificateAlertsFailTheStream(String alert) {
		VStreamException failure = this.classifier.permanentFailure(Status.UNAVAILABLE.withDescription("ssl exception")
			.withCause(new SSLException(alert))
			.asRuntimeException());

		assertThat(failure).isNotNull()
			.hasMessageContaining("Stream 'orders' failed: the TLS handshake with vtgate failed")
			.hasMessageContaining(alert)
			.hasMessageContaining("vstream.vtgate.ssl.bundle");
	}

	@ParameterizedTest
	@ValueSource(strings = { "Connection reset", "error:100000f7:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER",
			"Received close_notify during handshake" })
	void otherTlsFailuresAreRetried(String message) {
		assertThat(this.classifier.permanentFailure(Status.UNAVAILABLE.withDescription("io exception")
			.withCause(new SSLException(message, new IOException(message)))
			.asRuntimeException())).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "INVALID_ARGUMENT", "UNAUTHENTICATED", "UNIMPLEMENTED" })
	void vtgatesTextCannotForgeALogLineInTheMessage(String code) {
		VStreamException failure = this.classifier.permanentFailure(Status.fromCode(Status.Code.valueOf(code))
			.withDescription("refused\n2026-12-02 ERROR FORGED-LOG-LINE password=hunter2")
			.asRuntimeException());

		assertThat(failure).isNotNull();
		assertThat(failure.getMessage()).doesNotContain("\n")
			.contains("refused\\u000a2026-12-02 ERROR FORGED-LOG-LINE");
	}

}
