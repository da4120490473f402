package dev.vstream.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
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
 * vtgate's static gRPC authentication against a real vtgate: a second local cluster (run
 * dir {@code /tmp/vstream-vitess-auth}, ports 16990-16993) whose vtcombo runs with
 * {@code --grpc-auth-mode static} and a password file the test writes. Stopped (data
 * removed) afterwards.
 */
// Beside the main thread, one at a time with the classes on the multi-process cluster
// (junit-platform.properties): its cluster is its own.
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(RealCluster.LOCK)
class StaticAuthVtgateIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final SecondCluster cluster = new SecondCluster("/tmp/vstream-vitess-auth", 16990);

	private static final String PASSWORD = "s3cret-" + UUID.randomUUID().toString().substring(0, 8);

	private static Path files;

	private final String tag = "auth-" + UUID.randomUUID().toString().substring(0, 8);

	private final InJvmApps apps = new InJvmApps(E2eApplication.class);

	@BeforeAll
	static void startCluster() throws Exception {
		files = Files.createTempDirectory("vstream-auth");
		Path passwords = Files.writeString(files.resolve("passwords.json"),
				"[{\"Username\": \"streamer\", \"Password\": \"" + PASSWORD + "\"}]");
		// vttestserver itself calls vtcombo's gRPC port: it needs the credentials too.
		Path clientCreds = Files.writeString(files.resolve("client.json"),
				"{\"Username\": \"streamer\", \"Password\": \"" + PASSWORD + "\"}");
		// The cluster runs as the 'vitess' user when started by root: it must read the
		// files.
		Files.setPosixFilePermissions(files, PosixFilePermissions.fromString("rwxr-xr-x"));
		Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-r--r--"));
		Files.setPosixFilePermissions(clientCreds, PosixFilePermissions.fromString("rw-r--r--"));
		cluster.run("stop.sh", Map.of());
		cluster.run("start.sh",
				Map.of("VSTREAM_VITESS_VTCOMBO_EXTRA_ARGS",
						"--grpc-auth-mode static --grpc-auth-static-password-file " + passwords,
						"VSTREAM_VITESS_EXTRA_ARGS", "--grpc-auth-static-client-creds " + clientCreds));
	}

	@AfterAll
	static void stopCluster() throws Exception {
		try {
			cluster.run("stop.sh", Map.of());
		}
		finally {
			FileSystemUtils.deleteRecursively(files);
		}
	}

	@AfterEach
	void stopApps() {
		this.apps.close();
	}

	@Test
	void rightPasswordStreamsChangesFromTheRealVtgate() throws Exception {
		cluster.assertDelivers(start("vstream.vtgate.password=" + PASSWORD), this.tag, TIMEOUT);
	}

	@Test
	void wrongPasswordFailsOnceAndIsNotShown() {
		ConfigurableApplicationContext app = start("vstream.vtgate.password=not-" + PASSWORD);
		VStreamContainer container = app.getBean(VStreamContainer.class);
		await().atMost(TIMEOUT).until(() -> container.getState() == StreamState.FAILED);
		assertThat(container.getLastError()).hasMessageContaining("PERMISSION_DENIED")
			.hasMessageNotContaining(PASSWORD);
		assertThat(container.getReconnects()).isZero();
	}

	private ConfigurableApplicationContext start(String password) {
		return this.apps.start(this.tag, "vstream.vtgate.address=127.0.0.1:" + cluster.grpcPort(),
				"vstream.vtgate.username=streamer", password, "vstream.offset-store=memory",
				"vstream.start-position=current", "vstream.reconnect.initial-interval=200ms");
	}

}
