package dev.vstream.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.test.vtgate.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * TLS against a real vtgate: a second local cluster (run dir
 * {@code /tmp/vstream-vitess-tls}, ports 17990-17993, so the shared one on 15990-15993 is
 * untouched) started by {@code scripts/vitess/start.sh} with vttestserver's mTLS flags
 * ({@code --grpc-auth-mode mtls
 * --grpc-cert/--grpc-key/--grpc-ca}, vtgate then requires a client certificate whose
 * subject contains {@code CN=vstream-client}), with certificates generated for the run.
 * Stopped (data removed) afterwards.
 */
// Beside the main thread, one at a time with the classes on the multi-process cluster
// (junit-platform.properties): its cluster is its own.
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(RealCluster.LOCK)
class TlsVtgateIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final SecondCluster cluster = new SecondCluster("/tmp/vstream-vitess-tls", 17990);

	private static Path certs;

	private static TestCertificates ca;

	private static TestCertificates.Issued client;

	private static TestCertificates.Issued intruder;

	private static TestCertificates otherCa;

	private final String tag = "tls-" + UUID.randomUUID().toString().substring(0, 8);

	private final InJvmApps apps = new InJvmApps(E2eApplication.class);

	@BeforeAll
	static void startTlsCluster() throws Exception {
		certs = Files.createTempDirectory("vstream-tls-certs");
		ca = new TestCertificates(certs, "e2e-ca");
		otherCa = new TestCertificates(certs, "e2e-other-ca");
		TestCertificates.Issued server = ca.issue("vtgate");
		client = ca.issue("vstream-client");
		intruder = ca.issue("intruder");
		// The cluster runs as the 'vitess' user when started by root: it must read the
		// files.
		Files.setPosixFilePermissions(certs, PosixFilePermissions.fromString("rwxr-xr-x"));
		try (Stream<Path> files = Files.list(certs)) {
			for (Path file : files.toList()) {
				Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
			}
		}
		run("stop.sh");
		run("start.sh",
				String.join(" ", "--grpc-auth-mode", "mtls", "--grpc-key", server.privateKey().toString(),
						"--grpc-cert", server.chain().toString(), "--grpc-ca", ca.caCertificate().toString(),
						"--grpc-auth-mtls-allowed-substrings", "CN=vstream-client",
						// vttestserver itself talks to vtctld on the same (now mTLS) gRPC
						// port
						"--vtctld-grpc-key", client.privateKey().toString(), "--vtctld-grpc-cert",
						client.chain().toString(), "--vtctld-grpc-ca", ca.caCertificate().toString()));
	}

	@AfterAll
	static void stopTlsCluster() throws Exception {
		try {
			run("stop.sh");
		}
		finally {
			FileSystemUtils.deleteRecursively(certs);
		}
	}

	@AfterEach
	void stopApps() {
		this.apps.close();
	}

	@Test
	void mutualTlsStreamsChangesFromTheRealVtgate() throws Exception {
		ConfigurableApplicationContext app = start(trust(ca),
				"spring.ssl.bundle.pem.vtgate.keystore.certificate=file:" + client.chain(),
				"spring.ssl.bundle.pem.vtgate.keystore.private-key=file:" + client.privateKey());
		cluster.assertDelivers(app, this.tag, TIMEOUT);
	}

	@Test
	void wrongCaFailsTheStreamWithAClearMessageWithoutRetrying() {
		ConfigurableApplicationContext app = start(trust(otherCa),
				"spring.ssl.bundle.pem.vtgate.keystore.certificate=file:" + client.chain(),
				"spring.ssl.bundle.pem.vtgate.keystore.private-key=file:" + client.privateKey());
		VStreamContainer container = app.getBean(VStreamContainer.class);
		await().atMost(TIMEOUT).until(() -> container.getState() == StreamState.FAILED);
		assertThat(container.getLastError()).hasMessageContaining("TLS handshake with vtgate failed")
			.hasMessageContaining("vstream.vtgate.ssl.bundle");
		assertThat(container.getReconnects()).isZero();
	}

	@Test
	void clientCertificateVtgateDoesNotAuthorizeIsRefusedForGood() {
		ConfigurableApplicationContext app = start(trust(ca),
				"spring.ssl.bundle.pem.vtgate.keystore.certificate=file:" + intruder.chain(),
				"spring.ssl.bundle.pem.vtgate.keystore.private-key=file:" + intruder.privateKey());
		VStreamContainer container = app.getBean(VStreamContainer.class);
		await().atMost(TIMEOUT).until(() -> container.getState() == StreamState.FAILED);
		// vtgate's mtls auth plugin: UNAUTHENTICATED "client certificate not authorized"
		assertThat(container.getLastError()).hasMessageContaining("UNAUTHENTICATED")
			.hasMessageContaining("client certificate not authorized");
		assertThat(container.getReconnects()).isZero();
	}

	private static String trust(TestCertificates authority) {
		return "spring.ssl.bundle.pem.vtgate.truststore.certificate=file:" + authority.caCertificate();
	}

	private ConfigurableApplicationContext start(String... properties) {
		List<String> all = new ArrayList<>(List.of("vstream.vtgate.address=127.0.0.1:" + cluster.grpcPort(),
				"vstream.vtgate.ssl.bundle=vtgate", "vstream.offset-store=memory", "vstream.start-position=current",
				"vstream.reconnect.initial-interval=200ms", "vstream.reconnect.max-interval=1s"));
		all.addAll(List.of(properties));
		return this.apps.start(this.tag, all);
	}

	/** Run a script of scripts/vitess against the TLS cluster. */
	private static void run(String script, String... extraArgs) throws IOException, InterruptedException {
		cluster.run(script, Map.of("VSTREAM_VITESS_EXTRA_ARGS", (extraArgs.length > 0) ? extraArgs[0] : ""));
	}

}
