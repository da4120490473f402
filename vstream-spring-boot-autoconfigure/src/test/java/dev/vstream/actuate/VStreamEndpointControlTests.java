package dev.vstream.actuate;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.vstream.actuate.VStreamEndpoint.StreamDescriptor;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.vtgate.Events;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.health.contributor.Status;

import static dev.vstream.test.vtgate.Events.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The endpoint's pause, resume, restart and reset actions, their refusals, and the web
 * extension that answers a refusal with HTTP 409.
 */
class VStreamEndpointControlTests extends AbstractStreamTests {

	private final InMemoryOffsetRepository offsets = new InMemoryOffsetRepository();

	@Test
	void pauseAndResume() {
		this.vtgate.thenSend(response(vgtid("0", "MySQL56/a1:1-42")));
		VStreamContainer container = start("orders", StreamState.STREAMING);

		StreamDescriptor paused = endpoint(container).control("orders", "pause", null, null);

		assertThat(paused.state()).isEqualTo(StreamState.PAUSED);
		assertThat(paused.running()).isTrue();
		assertThat(new VStreamHealthIndicator(container).health().getStatus()).as("paused on purpose")
			.isEqualTo(Status.UP);
		assertThatIllegalStateException().isThrownBy(() -> endpoint(container).control("orders", "pause", null, null))
			.withMessage("Stream 'orders' is already paused");

		StreamDescriptor resumed = endpoint(container).control("orders", "resume", null, null);

		assertThat(resumed.state()).isEqualTo(StreamState.STREAMING);
		assertThat(container.isPaused()).isFalse();
	}

	@Test
	void pauseRefusesAStoppedStreamAndResumeOneThatIsNotPaused() {
		VStreamContainer container = container("orders", StartPosition.CURRENT);

		assertThatIllegalStateException().isThrownBy(() -> endpoint(container).control("orders", "pause", null, null))
			.withMessage("Stream 'orders' is not running (STOPPED); only a running stream can be paused");
		assertThatIllegalStateException().isThrownBy(() -> endpoint(container).control("orders", "resume", null, null))
			.withMessage("Stream 'orders' is not paused (STOPPED); use 'start' to start it");
	}

	@Test
	void restartReconnectsARunningStream() {
		this.vtgate.thenSend(response(vgtid("0", "MySQL56/a1:1-42")));
		VStreamContainer container = start("orders", StreamState.STREAMING);
		this.vtgate.thenSend(response(vgtid("0", "MySQL56/a1:1-43")));

		endpoint(container).control("orders", "restart", null, null);

		await().until(() -> this.vtgate.requests().size() == 2 && container.getState() == StreamState.STREAMING);
		assertThat(this.vtgate.requests().get(1).getVgtid().getShardGtids(0).getGtid()).isEqualTo("MySQL56/a1:1-42");
	}

	@Test
	void resetOfARunningStreamIsRefusedAndKeepsThePosition() {
		this.offsets.save("orders", position("MySQL56/a1:1-42"));
		VStreamContainer container = withOffsets("orders");
		start(container, (c) -> c.getState() == StreamState.STREAMING);

		assertThatIllegalStateException().isThrownBy(() -> endpoint(container).control("orders", "reset", "copy", null))
			.withMessage(
					"Stream 'orders' is running (STREAMING); stop it before resetting its position, then start it");
		assertThat(this.offsets.load("orders")).contains(position("MySQL56/a1:1-42"));
	}

	@Test
	void resetToCopyCurrentOrAnExplicitPosition() {
		this.offsets.save("orders", position("MySQL56/a1:1-42"));
		VStreamContainer container = withOffsets("orders");
		VStreamEndpoint endpoint = endpoint(container);

		endpoint.control("orders", "reset", "copy", null);
		assertThat(this.offsets.load("orders")).contains(position(""));

		endpoint.control("orders", "reset", "CURRENT", null);
		assertThat(this.offsets.load("orders")).contains(position("current"));

		String explicit = position("MySQL56/a1:1-7").toJson();
		StreamDescriptor stream = endpoint.control("orders", "reset", explicit, null);
		assertThat(this.offsets.load("orders")).contains(position("MySQL56/a1:1-7"));
		assertThat(stream.position().shards().get(0).gtid()).isEqualTo("MySQL56/a1:1-7");

		endpoint.control("orders", "reset", null, null);
		assertThat(this.offsets.load("orders")).isEmpty();
	}

	@Test
	void resetRefusesGarbageGtidsShardNamesAndSizesBeforeStoringAnything() {
		this.offsets.save("orders", position("MySQL56/a1:1-42"));
		VStreamContainer container = withOffsets("orders");
		VStreamEndpoint endpoint = endpoint(container);
		for (String[] bad : new String[][] { { "0", "MariaDB/not-a-gtid", "GTID set" },
				{ "../../etc", "MariaDB/0-1-5", "shard name '../../etc'" },
				{ "0", "MariaDB/0-1-5\nERROR FORGED-LOG-LINE password=hunter2", "\\u000a" },
				{ "0", "MariaDB/" + "0-1-5,".repeat(20_000) + "0-1-6", "more than 65536" } }) {
			String json = StreamPosition.of(Events.vgtid("commerce", bad[0], bad[1])).toJson();
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.control("orders", "reset", json, null))
				.withMessageContaining(bad[2])
				.withMessageNotContaining("\n");
		}
		assertThat(this.offsets.load("orders")).contains(position("MySQL56/a1:1-42"));
	}

	@Test
	void resetRefusesShardsVtgateDoesNotListForTheKeyspaceAndStoresOneItLists() {
		this.vtgate.withShards(KEYSPACE, "-80", "80-");
		this.offsets.save("orders", position("MySQL56/a1:1-42"));
		VStreamContainer container = withOffsets("orders");
		VStreamEndpoint endpoint = endpoint(container);
		String unknown = StreamPosition.of(Events.vgtid(KEYSPACE, "-40", "MariaDB/0-1-5")).toJson();

		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.control("orders", "reset", unknown, null))
			.withMessageContaining("Stream 'orders' keeps its saved position")
			.withMessageContaining(
					"shard commerce/-40, not a shard of its keyspace (vtgate lists commerce [-80, 80-])");
		assertThat(this.offsets.load("orders")).contains(position("MySQL56/a1:1-42"));

		StreamPosition listed = StreamPosition.of(Events.vgtid(KEYSPACE, "80-", "MariaDB/0-1-5"));
		endpoint.control("orders", "reset", listed.toJson(), null);
		assertThat(this.offsets.load("orders")).contains(listed);
	}

	@Test
	void resetRejectsAnUnreadablePositionAndRefusesOtherKeyspaces() {
		this.offsets.save("orders", position("MySQL56/a1:1-42"));
		VStreamContainer container = withOffsets("orders");

		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint(container).control("orders", "reset", "yesterday", null))
			.withMessageContaining("must be 'copy', 'current' or a VGtid in JSON");
		String other = StreamPosition.of(Events.vgtid("customer", "-80", "MySQL56/a1:1-1")).toJson();
		assertThatIllegalStateException().isThrownBy(() -> endpoint(container).control("orders", "reset", other, null))
			.withMessageContaining("covers keyspaces [customer] but its listeners stream [commerce]");
		assertThat(this.offsets.load("orders")).contains(position("MySQL56/a1:1-42"));
	}

	@Test
	void aPositionIsOnlyTakenByReset() {
		VStreamContainer container = container("orders", StartPosition.CURRENT);

		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint(container).control("orders", "start", "copy", null))
			.withMessage("A position is only taken by 'reset', not by 'start'");
		assertThat(container.isRunning()).isFalse();
	}

	@Test
	void webExtensionAnswersARefusalWith409AndTheReason() {
		VStreamContainer container = container("orders", StartPosition.CURRENT);
		VStreamWebEndpointExtension web = new VStreamWebEndpointExtension(endpoint(container));

		WebEndpointResponse<Object> refused = web.control("orders", "stop", null, null);
		WebEndpointResponse<Object> unknown = web.control("customers", "stop", null, null);

		assertThat(refused.getStatus()).isEqualTo(409);
		assertThat(refused.getBody()).isEqualTo(
				Map.of("stream", "orders", "action", "stop", "error", "Stream 'orders' is not running (STOPPED)"));
		assertThat(unknown.getStatus()).isEqualTo(404);
	}

	@Test
	void webExtensionAnswersAStartThatFailsItsChecksWith409AndTheReason() {
		InMemoryOffsetRepository unreadable = new InMemoryOffsetRepository() {

			@Override
			public Optional<StreamPosition> load(String streamId) {
				throw new IllegalArgumentException("Stored position is not a valid VGtid: {\"shard_gtids\": 7}");
			}

		};
		VStreamContainer container = track(
				StreamFixture.newContainer(settings("orders", StartPosition.CURRENT), this.vtgate.channel(), unreadable,
						() -> List.of(listener("customerListener", "", "customer")), VStreamErrorHandler.stopStream()));
		VStreamWebEndpointExtension web = new VStreamWebEndpointExtension(endpoint(container));

		WebEndpointResponse<Object> refused = web.control("orders", "start", null, null);

		assertThat(refused.getStatus()).isEqualTo(409);
		assertThat(refused.getBody()).isInstanceOfSatisfying(Map.class,
				(body) -> assertThat(body.get("error").toString()).contains("Stream 'orders' cannot start")
					.contains("saved position cannot be read"));
		assertThat(container.getState()).isEqualTo(StreamState.FAILED);
	}

	@Test
	void webExtensionAnswersARestartWithoutListenersWith409() {
		VStreamContainer container = container("orders", StartPosition.CURRENT, List.of());

		WebEndpointResponse<Object> refused = new VStreamWebEndpointExtension(endpoint(container)).control("orders",
				"restart", null, null);

		assertThat(refused.getStatus()).isEqualTo(409);
		assertThat(refused.getBody()).isInstanceOfSatisfying(Map.class, (body) -> assertThat(body.get("error"))
			.isEqualTo("Stream 'orders' has no listeners; starting it would stream nothing"));
	}

	@Test
	void webExtensionAnswersADoneActionWithTheStream() {
		this.vtgate.thenSend(response(vgtid("0", "MySQL56/a1:1-42")));
		VStreamContainer container = container("orders", StartPosition.CURRENT);

		WebEndpointResponse<Object> started = new VStreamWebEndpointExtension(endpoint(container)).control("orders",
				"start", null, null);

		assertThat(started.getStatus()).isEqualTo(200);
		assertThat(started.getBody()).isInstanceOfSatisfying(StreamDescriptor.class,
				(stream) -> assertThat(stream.running()).isTrue());
	}

	@Test
	void oneListenerIsStoppedAndStartedWhileItsStreamGoesOn() {
		this.vtgate.thenSend(response(vgtid("0", "MySQL56/a1:1-42")));
		VStreamContainer container = start("orders", StreamState.STREAMING);

		StreamDescriptor stopped = endpoint(container).control("orders", "stop", null, "customerListener");

		assertThat(stopped.running()).isTrue();
		assertThat(stopped.listeners()).singleElement().satisfies((listener) -> {
			assertThat(listener.id()).isEqualTo("customerListener");
			assertThat(listener.running()).isFalse();
		});
		assertThat(container.getEndpoints()).singleElement().satisfies((e) -> assertThat(e.isRunning()).isFalse());
		StreamDescriptor started = endpoint(container).control("orders", "START", "", "customerListener");
		assertThat(started.listeners()).singleElement().satisfies((l) -> assertThat(l.running()).isTrue());
		assertThat(container.isRunning()).isTrue();
	}

	@Test
	void listenerActionsOtherThanStartAndStopAndUnknownListenersAreBadRequests() {
		VStreamContainer container = container("orders", StartPosition.CURRENT);
		VStreamEndpoint endpoint = endpoint(container);

		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.control("orders", "pause", null, "customerListener"))
			.withMessageContaining("[start, stop]");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.control("orders", "stop", "copy", "customerListener"))
			.withMessageContaining("no position");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.control("orders", "stop", null, "nobody"))
			.withMessageContaining("Stream 'orders' has no listener 'nobody'");
		assertThat(container.getEndpoints()).singleElement().satisfies((e) -> assertThat(e.isRunning()).isTrue());
	}

	private VStreamContainer withOffsets(String id) {
		return track(
				StreamFixture.newContainer(settings(id, StartPosition.CURRENT), this.vtgate.channel(), this.offsets,
						() -> List.of(listener("customerListener", "", "customer")), VStreamErrorHandler.stopStream()));
	}

	private static StreamPosition position(String gtid) {
		return StreamPosition.of(Events.vgtid(KEYSPACE, "", gtid));
	}

	private VStreamEndpoint endpoint(VStreamContainer... containers) {
		return new VStreamEndpoint(() -> List.of(containers), this.clock);
	}

}
