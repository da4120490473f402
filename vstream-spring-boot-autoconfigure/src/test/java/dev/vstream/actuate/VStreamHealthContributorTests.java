package dev.vstream.actuate;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.vstream.position.StartPosition;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.boot.health.contributor.Status.DOWN;
import static org.springframework.boot.health.contributor.Status.UP;

/**
 * Tests for {@link VStreamHealthContributor}.
 */
class VStreamHealthContributorTests extends AbstractStreamTests {

	@Test
	void oneIndicatorPerStreamNamedByItsId() {
		this.vtgate.thenFail(Status.PERMISSION_DENIED.withDescription("no access"));
		VStreamContainer failed = start("orders", StreamState.FAILED);
		VStreamContainer stopped = container("customers", StartPosition.CURRENT);

		VStreamHealthContributor contributor = new VStreamHealthContributor(List.of(failed, stopped));

		assertThat(contributor.stream().map(HealthContributors.Entry::name)).containsExactly("orders", "customers");
		assertThat(health(contributor, "orders").getStatus()).isEqualTo(DOWN);
		assertThat(health(contributor, "orders").getDetails()).containsEntry("error",
				"Stream 'orders' failed: vtgate refused the stream with PERMISSION_DENIED (no access); check "
						+ "vstream.vtgate.username and vstream.vtgate.password (vtgate's static auth), the client "
						+ "certificate of vstream.vtgate.ssl.bundle, and vtgate's table ACLs");
		assertThat(health(contributor, "customers").getStatus()).isEqualTo(UP);
		assertThat(health(contributor, "customers").getDetails()).containsEntry("state", "STOPPED");
	}

	@Test
	void unknownStreamHasNoContributor() {
		VStreamHealthContributor contributor = new VStreamHealthContributor(
				List.of(container("orders", StartPosition.CURRENT)));

		assertThat(contributor.getContributor("customers")).isNull();
	}

	@Test
	void reconnectIsTimedFromWhenTheStreamBrokeNotFromTheFirstHealthCheck() {
		ScriptedContainer container = scripted("orders")
			.is(StreamState.RECONNECTING, Status.UNAVAILABLE.asRuntimeException())
			.reconnectingSince(NOW.minusSeconds(60));
		VStreamHealthContributor contributor = new VStreamHealthContributor(() -> List.of(container),
				Duration.ofSeconds(60), this.clock);

		assertThat(health(contributor, "orders").getStatus()).isEqualTo(DOWN);
	}

	@Test
	void streamReplacedUnderTheSameIdIsReportedFromTheReplacement() {
		ScriptedContainer original = scripted("orders")
			.is(StreamState.RECONNECTING, Status.UNAVAILABLE.asRuntimeException())
			.reconnectingSince(NOW.minusSeconds(60));
		List<VStreamContainer> containers = new CopyOnWriteArrayList<>(List.of(original));
		VStreamHealthContributor contributor = new VStreamHealthContributor(() -> containers, Duration.ofSeconds(60),
				this.clock);
		assertThat(health(contributor, "orders").getStatus()).isEqualTo(DOWN);

		ScriptedContainer replacement = scripted("orders")
			.is(StreamState.RECONNECTING, Status.UNAVAILABLE.asRuntimeException())
			.reconnectingSince(NOW);
		containers.set(0, replacement);

		assertThat(health(contributor, "orders").getStatus()).isEqualTo(UP);
		assertThat(((VStreamHealthIndicator) contributor.getContributor("orders")).getContainer())
			.isSameAs(replacement);
	}

	@Test
	void aShardStreamIsAComponentNamedWithoutTheSlashOfItsId() {
		VStreamContainer shard = container("orders@commerce/-80", StartPosition.CURRENT);
		VStreamHealthContributor contributor = new VStreamHealthContributor(List.of(shard));

		assertThat(contributor.stream().map(HealthContributors.Entry::name)).containsExactly("orders@commerce:-80");
		assertThat(((VStreamHealthIndicator) contributor.getContributor("orders@commerce:-80")).getContainer())
			.isSameAs(shard);
		assertThat(contributor.getContributor("orders@commerce/-80")).isNull();
	}

	@Test
	void streamsAreReadOnEachHealthCheck() {
		List<VStreamContainer> containers = new CopyOnWriteArrayList<>();
		VStreamHealthContributor contributor = new VStreamHealthContributor(() -> containers, Duration.ofSeconds(60));
		assertThat(contributor.stream()).isEmpty();

		containers.add(container("orders", StartPosition.CURRENT));

		assertThat(contributor.stream().map(HealthContributors.Entry::name)).containsExactly("orders");
		assertThat(contributor.getContributor("orders")).isNotNull();
	}

	private static Health health(VStreamHealthContributor contributor, String name) {
		HealthContributor indicator = contributor.getContributor(name);
		assertThat(indicator).isInstanceOf(VStreamHealthIndicator.class);
		return ((HealthIndicator) indicator).health();
	}

}
