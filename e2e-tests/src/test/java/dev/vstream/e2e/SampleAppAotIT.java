package dev.vstream.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample application as the build ships it, AOT-processed, run with
 * {@code -Dspring.aot.enabled=true} against the real vtgate: the context comes from the
 * generated initializers, and the listener still receives typed rows.
 */
class SampleAppAotIT {

	@TempDir
	Path directory;

	@Test
	void theAotProcessedSampleReceivesTypedChanges() throws Exception {
		Path jar = sampleJar();
		try (JarFile contents = new JarFile(jar.toFile())) {
			assertThat(contents
				.getEntry("BOOT-INF/classes/dev/vstream/sample/SampleApplication__ApplicationContextInitializer.class"))
				.as("the sample jar holds the AOT-generated context initializer")
				.isNotNull();
		}
		String sku = "aot-" + UUID.randomUUID().toString().substring(0, 8);
		try (ChildJvm.Launcher launcher = ChildJvm.jarLauncher(jar)
			.jvmOptions("-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dspring.aot.enabled=true")
			.workDir(this.directory)) {
			ChildJvm app = launcher.start(this.directory.resolve("sample.log"),
					List.of("--vstream.vtgate.address=" + LocalVitess.grpcAddress(), "--vstream.start-position=current",
							"--vstream.jdbc.embedded-url=jdbc:h2:mem:aot", "--server.port=0"));
			app.awaitLog("Starting AOT-processed SampleApplication", Duration.ofSeconds(60));
			// Started at "current": write until the stream is connected and sees a row.
			await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
				LocalVitess.execute("commerce",
						"insert into corder (customer_id, sku, price) values (77, '" + sku + "-probe', 1.00)");
				return app.logText().contains("sku=" + sku + "-probe");
			});

			LocalVitess.execute("commerce",
					"insert into corder (customer_id, sku, price) values (77, '" + sku + "', 1.25)",
					"update corder set price = 2.50 where sku = '" + sku + "'");

			app.awaitLog("INSERT commerce.corder [0] before=null after=Order[", Duration.ofSeconds(30));
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(app.logText()).containsPattern(
						"INSERT commerce\\.corder \\[0\\] before=null after=Order\\[orderId=\\d+, customerId=77, sku="
								+ sku + ", price=1\\.25\\]")
					.containsPattern("UPDATE commerce\\.corder \\[0\\] before=Order\\[orderId=\\d+, customerId=77, sku="
							+ sku + ", price=1\\.25\\] after=Order\\[orderId=\\d+, customerId=77, sku=" + sku
							+ ", price=2\\.50\\]"));
			assertThat(app.logText()).doesNotContain("ERROR");
			app.terminate();
		}
	}

	private static Path sampleJar() throws Exception {
		Path target = Path.of("..", "sample-app", "target").toAbsolutePath().normalize();
		try (var files = Files.list(target)) {
			return files.filter((f) -> f.getFileName().toString().matches("sample-app-.*\\.jar"))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no sample-app jar in " + target.toAbsolutePath()
						+ ": the build packages sample-app before e2e-tests runs"));
		}
	}

}
