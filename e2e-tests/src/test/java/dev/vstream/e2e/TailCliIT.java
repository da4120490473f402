package dev.vstream.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code java -jar vstream-cli.jar tail} as the build ships it, against the real vtgate:
 * the changes written through vtgate's MySQL port are printed as vtgate's
 * {@code VSTREAM * FROM} prints them, a position printed with {@code --verbose} replays
 * them as JSON, and a table the keyspace does not have fails with the starter's reason.
 */
class TailCliIT {

	private static final Duration STARTED = Duration.ofSeconds(90);

	@TempDir
	Path directory;

	@Test
	void printsLiveChangesAndReplaysThemFromAPrintedPosition() throws Exception {
		String sku = "tail-" + UUID.randomUUID().toString().substring(0, 8);
		try (ChildJvm.Launcher launcher = ChildJvm.jarLauncher(cliJar()).workDir(this.directory)) {
			ChildJvm live = launcher.start(this.directory.resolve("live.log"),
					List.of("tail", "commerce.corder", "--vtgate", LocalVitess.grpcAddress(), "--where",
							"sku='" + sku + "'", "--verbose", "--limit", "3", "--vstream.heartbeat-interval=1s"));
			// vtgate's heartbeats reach a connected stream only: from here on, every
			// commit is streamed.
			live.awaitLog("# heartbeat ", STARTED);
			// The first insert does not match --where: vtgate does not send it.
			LocalVitess.execute("commerce",
					"insert into corder (customer_id, sku, price) values (61, '" + sku + "-other', 9.75)",
					"insert into corder (customer_id, sku, price) values (61, '" + sku + "', 1.25)",
					"update corder set price = 2.50 where sku = '" + sku + "'",
					"delete from corder where sku = '" + sku + "'");
			assertThat(live.process().waitFor(60, TimeUnit.SECONDS)).as("stops after --limit 3 changes").isTrue();
			assertThat(live.process().exitValue()).as(live.logText()).isZero();
			String text = live.logText();
			assertThat(text).containsPattern("(?m)^op\torder_id\tcustomer_id\tsku\tprice\n" + "\\+\t(\\d+)\t61\t" + sku
					+ "\t1\\.25\n" + "(# [^\n]*\n)*" + "\\*\t\\1\t61\t" + sku + "\t2\\.50\n" + "(# [^\n]*\n)*"
					+ "-\t\\1\t61\t" + sku + "\t2\\.50$");
			assertThat(text).doesNotContain("ERROR").doesNotContain(sku + "-other");

			// The position printed before the insert: the changes after it, again.
			Matcher positions = Pattern.compile("(?m)^# position (\\{.*\\})$")
				.matcher(text.substring(0, text.indexOf("+\t")));
			String before = null;
			while (positions.find()) {
				before = positions.group(1);
			}
			assertThat(before).as("a position printed before the insert").isNotNull();
			ChildJvm replay = launcher.start(this.directory.resolve("replay.log"),
					List.of("tail", "commerce.corder", "--vtgate", LocalVitess.grpcAddress(), "--from", before,
							"--where", "sku='" + sku + "'", "--json", "--limit", "3"));
			assertThat(replay.process().waitFor(90, TimeUnit.SECONDS)).isTrue();
			assertThat(replay.process().exitValue()).as(replay.logText()).isZero();
			assertThat(replay.logText().lines().filter((line) -> line.startsWith("{")).toList()).satisfiesExactly(
					(line) -> assertThat(line).matches("\\{\"op\":\"insert\",\"keyspace\":\"commerce\",\"shard\":\"0\","
							+ "\"table\":\"corder\",\"before\":null,\"after\":\\{\"order_id\":\\d+,\"customer_id\":61,"
							+ "\"sku\":\"" + sku + "\",\"price\":1\\.25\\},\"commit_time\":\"[^\"]+\"\\}"),
					(line) -> assertThat(line).startsWith("{\"op\":\"update\"")
						.contains("\"price\":1.25},\"after\":{")
						.contains("\"price\":2.50}"),
					(line) -> assertThat(line).startsWith("{\"op\":\"delete\"").contains("\"after\":null"));
		}
	}

	@Test
	void aTableTheKeyspaceDoesNotHaveFailsWithExitCodeOne() throws Exception {
		try (ChildJvm.Launcher launcher = ChildJvm.jarLauncher(cliJar()).workDir(this.directory)) {
			ChildJvm tail = launcher.start(this.directory.resolve("missing.log"),
					List.of("tail", "commerce.no_such_table", "--vtgate", LocalVitess.grpcAddress()));
			assertThat(tail.process().waitFor(90, TimeUnit.SECONDS)).isTrue();
			assertThat(tail.process().exitValue()).isEqualTo(1);
			assertThat(tail.logText()).contains("vstream-cli: Listener 'tail' listens to table 'no_such_table', "
					+ "which keyspace 'commerce' does not have (it has [");
		}
	}

	private static Path cliJar() {
		Path jar = Path.of("..", "vstream-cli", "target", "vstream-cli.jar").toAbsolutePath().normalize();
		assertThat(Files.isRegularFile(jar)).as("no " + jar + ": the build packages vstream-cli before e2e-tests runs")
			.isTrue();
		return jar;
	}

}
