package dev.vstream.actuate;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.vstream.position.StartPosition;
import dev.vstream.stream.DefaultVStreamContainer;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;

import static dev.vstream.test.vtgate.Events.heartbeat;
import static dev.vstream.test.vtgate.Events.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;
import static org.springframework.boot.health.contributor.Status.DOWN;
import static org.springframework.boot.health.contributor.Status.UP;

/**
 * Tests for {@link VStreamHealthIndicator}.
 */
class VStreamHealthIndicatorTests extends AbstractStreamTests {

	@Test
	void streamNotStartedIsUpAndStopped() {
		DefaultVStreamContainer container = container("orders", StartPosition.CURRENT);
		container.setAutoStartup(false);

		Health health = indicator(container).health();

		assertThat(health.getStatus()).isEqualTo(UP);
		assertThat(health.getDetails()).containsExactly(Map.entry("state", "STOPPED"));
	}

	@Test
	void streamConnectedButWaitingForItsFirstResponseIsUpAndStreaming() {
		// vtgate sends nothing on an idle stream until its first heartbeat: connected is
		// streaming.
		VStreamContainer container = start("orders", StartPosition.CURRENT,
				(waiting) -> this.vtgate.requests().size() == 1 && waiting.getState() == StreamState.STREAMING);

		Health health = indicator(container).health();

		assertThat(health.getStatus()).isEqualTo(UP);
		assertThat(health.getDetails()).containsEntry("state", "STREAMING")
			.containsEntry("position", List.of(shard("", "current")))
			.doesNotContainKeys("error", "reconnectingSince", "lastEventTime", "lag");
	}

	@Test
	void streamThatLostItsPositionSaysWhereItStartedAndThatItRanBefore() {
		DefaultVStreamContainer container = container("orders", StartPosition.COPY);
		container.getContainerOptions().setRunMarker(everyStreamRanBefore());
		start(container, (waiting) -> this.vtgate.requests().size() == 1);

		Health health = indicator(container).health();

		assertThat(health.getStatus()).isEqualTo(UP);
		assertThat(health.getDetails()).containsEntry("startedFrom", "copy")
			.containsEntry("startedWithoutSavedPosition", true)
			.containsEntry("ranBefore", true);
	}

	@Test
	void streamCopyingIsUpWithTheTablesBeingCopied() {
		this.vtgate.thenSend(response(vgtid("0", "MySQL56/a1:1-7", "customer")));
		VStreamContainer container = start("orders", StartPosition.COPY, (copying) -> copying.getEventsReceived() == 1);

		Health health = indicator(container).health();

		assertThat(health.getStatus()).isEqualTo(UP);
		assertThat(health.getDetails()).containsEntry("state", "COPYING")
			.containsEntry("position", List.of(Map.of("keyspace", "commerce", "shard", "0", "gtid", "MySQL56/a1:1-7",
					"copyingTables", List.of("customer"))));
	}

	@Test
	void streamStreamingIsUpWithPositionAndLastEventTime() {
		this.vtgate.thenSend(response(vgtid("-80", "MySQL56/a1:1-42"), heartbeat()));
		VStreamContainer container = start("orders", StartPosition.CURRENT,
				(streaming) -> streaming.getState() == StreamState.STREAMING && streaming.getEventsReceived() == 2);

		Health health = indicator(container).health();

		assertThat(health.getStatus()).isEqualTo(UP);
		assertThat(health.getDetails()).containsEntry("state", "STREAMING")
			.containsEntry("position", List.of(shard("-80", "MySQL56/a1:1-42")))
			.containsEntry("lastEventTime", container.getLastEventTime().toString())
			// vtgate's heartbeat says the stream had caught up at that time
			.containsKey("lag")
			.doesNotContainKeys("error", "reconnectingSince");
	}

	@Test
	void streamStoppedOnPurposeIsUpAndStopped() {
		this.vtgate.thenSend(response(vgtid("0", "MySQL56/a1:1-42")));
		VStreamContainer container = start("orders", StreamState.STREAMING);
		container.stop();
		await().until(() -> container.getState() == StreamState.STOPPED);

		Health health = indicator(container).health();

		assertThat(health.getStatus()).isEqualTo(UP);
		assertThat(health.getDetails()).containsEntry("state", "STOPPED")
			.containsEntry("position", List.of(shard("0", "MySQL56/a1:1-42")));
	}

	@Test
	void streamReconnectingForLessThanTheTimeoutIsUp() {
		this.vtgate.thenFail(Status.UNAVAILABLE.withDescription("vtgate is restarting"));
		VStreamContainer container = start("orders", StreamState.RECONNECTING);
		VStreamHealthIndicator indicator = indicator(container);

		Health first = indicator.health();
		this.clock.advance(Duration.ofSeconds(59));
		Health later = indicator.health();

		assertThat(first.getStatus()).isEqualTo(UP);
		assertThat(first.getDetails()).containsEntry("state", "RECONNECTING")
			.containsEntry("error", "UNAVAILABLE: vtgate is restarting")
			.containsEntry("reconnectingSince", NOW.toString());
		assertThat(later.getStatus()).isEqualTo(UP);
		assertThat(later.getDetails()).containsEntry("reconnectingSince", NOW.toString());
	}

	@Test
	void streamReconnectingForTheTimeoutIsDown() {
		this.vtgate.thenFail(Status.UNAVAILABLE.withDescription("vtgate is restarting"));
		VStreamContainer container = start("orders", StreamState.RECONNECTING);
		VStreamHealthIndicator indicator = indicator(container);

		indicator.health();
		this.clock.advance(Duration.ofSeconds(60));
		Health health = indicator.health();

		assertThat(health.getStatus()).isEqualTo(DOWN);
		assertThat(health.getDetails()).containsEntry("state", "RECONNECTING")
			.containsEntry("error", "UNAVAILABLE: vtgate is restarting")
			.containsEntry("reconnectingSince", NOW.toString());
	}

	@Test
	void reconnectTimeoutIsConfigurable() {
		ScriptedContainer container = scripted("orders")
			.is(StreamState.RECONNECTING, Status.UNAVAILABLE.asRuntimeException())
			.reconnectingSince(NOW);
		VStreamHealthIndicator indicator = new VStreamHealthIndicator(container, Duration.ofSeconds(5), this.clock);

		assertThat(indicator.health().getStatus()).isEqualTo(UP);
		this.clock.advance(Duration.ofSeconds(5));

		assertThat(indicator.health().getStatus()).isEqualTo(DOWN);
	}

	@Test
	void zeroReconnectTimeoutReportsAnyReconnectDown() {
		ScriptedContainer container = scripted("orders")
			.is(StreamState.RECONNECTING, Status.UNAVAILABLE.asRuntimeException())
			.reconnectingSince(NOW);

		Health health = new VStreamHealthIndicator(container, Duration.ZERO, this.clock).health();

		assertThat(health.getStatus()).isEqualTo(DOWN);
	}

	@Test
	void reconnectThatBeganBeforeTheFirstHealthCheckIsTimedFromItsBeginning() {
		this.vtgate.thenFail(Status.UNAVAILABLE.withDescription("vtgate is restarting"));
		VStreamContainer container = start("orders", StreamState.RECONNECTING);
		// No health check while the stream broke: the first one comes a minute later.
		this.clock.advance(Duration.ofSeconds(60));

		Health health = indicator(container).health();

		assertThat(health.getStatus()).isEqualTo(DOWN);
		assertThat(health.getDetails()).containsEntry("reconnectingSince", NOW.toString());
	}

	@Test
	void connectAttemptsBetweenReconnectWaitsCountAsReconnecting() {
		RuntimeException broken = Status.UNAVAILABLE.withDescription("connection refused").asRuntimeException();
		ScriptedContainer container = scripted("orders").is(StreamState.RECONNECTING, broken).reconnectingSince(NOW);
		VStreamHealthIndicator indicator = indicator(container);

		indicator.health();
		this.clock.advance(Duration.ofSeconds(30));
		// Trying again: the container shows STARTING, but is reconnecting until vtgate
		// answers.
		container.is(StreamState.STARTING, broken);
		Health trying = indicator.health();
		this.clock.advance(Duration.ofSeconds(30));
		container.is(StreamState.COPYING, broken);
		Health stillTrying = indicator.health();

		assertThat(trying.getStatus()).isEqualTo(UP);
		assertThat(trying.getDetails()).containsEntry("state", "STARTING")
			.containsEntry("reconnectingSince", NOW.toString());
		assertThat(stillTrying.getStatus()).isEqualTo(DOWN);
		assertThat(stillTrying.getDetails()).containsEntry("state", "COPYING")
			.containsEntry("reconnectingSince", NOW.toString());
	}

	@Test
	void failedStreamIsNotReportedAsReconnecting() {
		ScriptedContainer container = scripted("orders").is(StreamState.FAILED, new IllegalStateException("boom"))
			.reconnectingSince(NOW);

		assertThat(indicator(container).health().getDetails()).doesNotContainKey("reconnectingSince");
	}

	@Test
	void streamFailedIsDownWithTheErrorMessageOnly() {
		this.vtgate.thenFail(Status.INVALID_ARGUMENT.withDescription("unknown table customer"));
		VStreamContainer container = start("orders", StreamState.FAILED);

		Health health = indicator(container).health();

		assertThat(health.getStatus()).isEqualTo(DOWN);
		assertThat(health.getDetails()).containsEntry("state", "FAILED")
			.containsEntry("error",
					"Stream 'orders' failed: vtgate refused it with INVALID_ARGUMENT: unknown table customer")
			.doesNotContainKeys("exception", "stackTrace", "cause", "reconnectingSince");
		assertThat(health.toString()).doesNotContain("Exception").doesNotContain("\tat ");
	}

	@Test
	void failedStreamIsDownWhateverTheTimeout() {
		ScriptedContainer container = scripted("orders").is(StreamState.FAILED, new IllegalStateException("boom"));

		Health health = new VStreamHealthIndicator(container, Duration.ofDays(1), this.clock).health();

		assertThat(health.getStatus()).isEqualTo(DOWN);
		assertThat(health.getDetails()).containsEntry("error", "boom");
	}

	@Test
	void errorWithoutMessageShowsItsType() {
		ScriptedContainer container = scripted("orders").is(StreamState.FAILED, new NullPointerException());

		assertThat(indicator(container).health().getDetails()).containsEntry("error", "NullPointerException");
	}

	@Test
	void credentialsInAnErrorMessageAreMasked() {
		ScriptedContainer container = scripted("orders").is(StreamState.FAILED, new IllegalStateException(
				"cannot reach mysql://vt_app:s3cret@db:3306/commerce (password=hunter2, token: abc123)"));

		Object error = indicator(container).health().getDetails().get("error");

		assertThat(error).isEqualTo("cannot reach mysql://******@db:3306/commerce (password=******, token: ******)");
	}

	@Test
	void jsonStyleCredentialsAreMaskedAndLineBreaksEscaped() {
		ScriptedContainer container = scripted("orders").is(StreamState.FAILED,
				new IllegalStateException("vtgate said {\"user\":\"app\",\"password\":\"hunter2\"}\n"
						+ "2026-12-02 ERROR FORGED-LOG-LINE secret = x9\r" + "y".repeat(3000)));

		String error = (String) indicator(container).health().getDetails().get("error");

		assertThat(error)
			.startsWith("vtgate said {\"user\":\"app\",\"password\":\"******\"}\\u000a2026-12-02 ERROR "
					+ "FORGED-LOG-LINE secret = ******\\u000dyyy")
			.doesNotContain("hunter2", "x9", "\n", "\r")
			.hasSizeLessThan(2010)
			.endsWith("...");
	}

	@Test
	void lagIsTheTimeSinceTheLastCommit() {
		ScriptedContainer container = scripted("orders").is(StreamState.STREAMING, null)
			.committedAt(NOW.minusMillis(1500));

		Health health = indicator(container).health();

		assertThat(health.getStatus()).isEqualTo(UP);
		assertThat(health.getDetails()).containsEntry("lag", "PT1.5S");
	}

	@Test
	void lagIsNeverNegative() {
		ScriptedContainer container = scripted("orders").is(StreamState.STREAMING, null)
			.committedAt(NOW.plusSeconds(1));

		assertThat(indicator(container).health().getDetails()).containsEntry("lag", "PT0S");
	}

	@Test
	void negativeReconnectTimeoutIsRejected() {
		DefaultVStreamContainer container = container("orders", StartPosition.CURRENT);

		assertThatIllegalArgumentException()
			.isThrownBy(() -> new VStreamHealthIndicator(container, Duration.ofSeconds(-1)))
			.withMessageContaining("reconnectTimeout");
	}

	private VStreamHealthIndicator indicator(VStreamContainer container) {
		return new VStreamHealthIndicator(container, VStreamHealthIndicator.DEFAULT_RECONNECT_TIMEOUT, this.clock);
	}

	private static Map<String, Object> shard(String shard, String gtid) {
		return Map.of("keyspace", "commerce", "shard", shard, "gtid", gtid);
	}

}
