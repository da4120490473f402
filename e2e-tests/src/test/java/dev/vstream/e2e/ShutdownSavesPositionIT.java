package dev.vstream.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A SIGTERM (what every Kubernetes deploy sends) stops the stream gracefully: the stream
 * saves its last handled position before anything the offset store needs is closed, so a
 * restart delivers every committed change, once. Each round commits one order through
 * vtgate, sends SIGTERM to the application 0-100 ms later, restarts it and checks that
 * the order arrived exactly once and that the restart resumed from the very position the
 * stopped application reported.
 */
class ShutdownSavesPositionIT extends WithDefaultStoreApps {

	@Test
	void defaultEmbeddedStore() throws Exception {
		// Every other round starts a stream with nothing saved yet; the others resume a
		// saved position.
		sigtermRounds(4, 2, DefaultStoreApps.NO_DATASOURCE);
		assertThat(DefaultStoreApps.read(this.apps.workDir.resolve("app-1.log")))
			.contains("Stream positions are kept in the embedded H2 database "
					+ this.apps.workDir.toRealPath().resolve(".vstream/offsets"));
	}

	// Hikari closes when beans are destroyed and Lettuce stops in lifecycle phase 0, both
	// after the streams (phase VStreamContainer.DEFAULT_PHASE): an ordering, not a race,
	// so two rounds suffice.
	@Test
	void pooledPostgresDataSource() throws Exception {
		sigtermRounds(2, 2, "--vstream.offset-store=jdbc",
				"--spring.datasource.url=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_URL"),
				"--spring.datasource.username=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_USER"),
				"--spring.datasource.password=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_PASSWORD"));
	}

	@Test
	void redisStore() throws Exception {
		sigtermRounds(2, 2, DefaultStoreApps.NO_DATASOURCE, "--vstream.offset-store=redis",
				"--spring.data.redis.host=" + LocalVitess.get("VSTREAM_TEST_REDIS_HOST"),
				"--spring.data.redis.port=" + LocalVitess.get("VSTREAM_TEST_REDIS_PORT"));
	}

	private void sigtermRounds(int rounds, int freshEvery, String... storeArgs) throws Exception {
		List<String> committed = new ArrayList<>();
		List<String> failures = new ArrayList<>();
		ChildJvm app = null;
		String streamId = null;
		for (int round = 0; round < rounds; round++) {
			if (round % freshEvery == 0) {
				if (app != null) {
					app.terminate();
				}
				streamId = "sigterm-" + this.apps.tag + "-" + round;
				app = this.apps.start(streamId, storeArgs);
			}
			String sku = this.apps.skuPrefix + round;
			this.apps.insertOrder(sku);
			committed.add(sku);
			// The fault's timing (not a wait for a condition): SIGTERM lands before,
			// during or after delivery.
			TimeUnit.MILLISECONDS.sleep(ThreadLocalRandom.current().nextInt(0, 101));
			app.terminate();
			String stopped = DefaultStoreApps.stoppedAt(app.logText(), streamId);
			if (app.logText().contains("could not save its position")) {
				failures.add("round " + round + ": the final save failed (" + app.log() + ")");
			}
			ChildJvm restarted = this.apps.start(streamId, storeArgs);
			String resumed = DefaultStoreApps.resumedFrom(restarted.logText(), streamId);
			if (stopped == null || !stopped.equals(resumed)) {
				failures.add("round " + round + ": stopped at " + stopped + " but the restart resumed from " + resumed
						+ " (" + app.log() + ", " + restarted.log() + ")");
			}
			app = restarted;
			try {
				await().atMost(Duration.ofSeconds(15)).until(() -> this.apps.deliveredInserts().containsKey(sku));
			}
			catch (ConditionTimeoutException ex) {
				failures.add("round " + round + ": " + sku + " was never delivered (" + restarted.log() + ")");
			}
		}
		app.terminate();
		Map<String, Long> delivered = this.apps.deliveredInserts();
		assertThat(failures).as("every SIGTERM saved the last handled position").isEmpty();
		assertThat(delivered.keySet()).as("every committed order delivered")
			.containsExactlyInAnyOrderElementsOf(committed);
		assertThat(delivered).as("no order delivered twice after a graceful stop")
			.allSatisfy((sku, times) -> assertThat(times).isEqualTo(1));
	}

}
