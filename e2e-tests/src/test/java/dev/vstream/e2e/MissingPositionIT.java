package dev.vstream.e2e;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VGtid;
import dev.vstream.actuate.VStreamHealthContributor;
import dev.vstream.e2e.E2eApplication.Recorder;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.StreamPosition;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A saved position the real cluster does not have (as after the cluster was recreated or
 * its binary logs purged). vtgate (v0.24) never tells the client: its tablet answers
 * "GTIDSet Mismatch", vtgate retries that and keeps the stream open with heartbeats only.
 * The stream must fail on its own, saying what to do, and keep the saved position.
 */
class MissingPositionIT {

	private static final Duration BOUND = Duration.ofSeconds(20);

	private final String tag = "missing-" + UUID.randomUUID().toString().substring(0, 8);

	private final InJvmApps apps = new InJvmApps(E2eApplication.class);

	@AfterEach
	void stopApps() {
		this.apps.close();
	}

	@Test
	void aPositionAheadOfTheShardFailsTheStreamWithHealthDownAndKeepsTheSavedPosition() throws Exception {
		String current = shardPosition("customer", "80-");
		int dash = current.lastIndexOf('-');
		String ahead = "MariaDB/" + current.substring(0, dash + 1)
				+ (Long.parseLong(current.substring(dash + 1)) + 1_000_000);
		StreamPosition saved = StreamPosition.of(VGtid.newBuilder()
			.addShardGtids(shard("commerce", "0", "MariaDB/" + shardPosition("commerce", "0")))
			.addShardGtids(shard("customer", "-80", "MariaDB/" + shardPosition("customer", "-80")))
			.addShardGtids(shard("customer", "80-", ahead))
			.build());
		String id = "stream-" + this.tag;
		ConfigurableApplicationContext app = this.apps.start(id, "vstream.offset-store=memory",
				"vstream.auto-startup=false", "vstream.reconnect.initial-interval=200ms");
		OffsetRepository offsets = app.getBean(OffsetRepository.class);
		offsets.save(id, saved);
		VStreamContainer container = app.getBean(VStreamContainer.class);
		HealthIndicator health = (HealthIndicator) app.getBean(VStreamHealthContributor.class).getContributor(id);

		long start = System.nanoTime();
		container.start();
		await().atMost(BOUND)
			.untilAsserted(() -> assertThat(container.getState())
				.as("state (health %s, lastError %s, lag %s, events received %s)", health.health().getStatus(),
						container.getLastError(), container.getLag(Instant.now()), container.getEventsReceived())
				.isEqualTo(StreamState.FAILED));
		Duration took = Duration.ofNanos(System.nanoTime() - start);

		assertThat(took).isLessThan(BOUND);
		assertThat(container.getLastError()).isNotNull();
		assertThat(container.getLastError().getMessage()).contains("shard customer/80-")
			.contains(ahead)
			.contains("primary is at MariaDB/" + current.substring(0, dash + 1))
			.contains("{\"action\":\"reset\",\"position\":\"copy\"}")
			.contains("vstream.start-position");
		Health report = health.health();
		assertThat(report.getStatus()).isEqualTo(Status.DOWN);
		assertThat(report.getDetails().get("state")).isEqualTo("FAILED");
		assertThat(String.valueOf(report.getDetails().get("error"))).contains("shard customer/80-");
		assertThat(offsets.load(id)).contains(saved);
		assertThat(container.getLastHeartbeatTime()).isNull();
		assertThat(app.getBean(Recorder.class).customers).isEmpty();
		assertThat(container.isRunning()).isFalse();
	}

	/** The shard's GTID set as its primary shows it, through vtgate's MySQL port. */
	private static String shardPosition(String keyspace, String shard) throws Exception {
		try (Connection connection = LocalVitess.vtgate(keyspace); Statement statement = connection.createStatement()) {
			statement.execute("use `" + keyspace + ":" + shard + "@primary`");
			try (ResultSet rows = statement.executeQuery("select @@global.gtid_binlog_pos")) {
				assertThat(rows.next()).isTrue();
				return rows.getString(1);
			}
		}
	}

	private static ShardGtid shard(String keyspace, String shard, String gtid) {
		return ShardGtid.newBuilder().setKeyspace(keyspace).setShard(shard).setGtid(gtid).build();
	}

}
