package dev.vstream.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.vstream.actuate.VStreamEndpoint;
import dev.vstream.position.StreamPosition;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamContainerRegistry;
import dev.vstream.streamsapp.TwoStreamsApplication;
import dev.vstream.streamsapp.TwoStreamsApplication.Audit;
import dev.vstream.streamsapp.TwoStreamsApplication.Projection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two streams over {@code commerce.corder} in one application, on the real vtgate: the
 * default stream (a projection) and the named stream {@code audit}
 * ({@code vstream.streams.audit.*}). Both get the first orders; the audit stream is then
 * stopped and reset to copy through the {@code /actuator/vstream} operations while more
 * orders are written, which the default stream goes on receiving, its saved position
 * moving while the audit stream's stands; started again, the audit stream copies the
 * table and ends with every order. Committed against received for each stream. Other
 * tests' orders on the shared keyspace are told apart by their sku.
 */
class TwoStreamsIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final String tag = "streams-" + UUID.randomUUID().toString().substring(0, 8);

	private final InJvmApps apps = new InJvmApps(TwoStreamsApplication.class);

	private int next;

	@AfterEach
	void stop() {
		this.apps.close();
	}

	@Test
	void oneStreamStoppedAndResetWhileTheOtherGoesOn() {
		ConfigurableApplicationContext app = this.apps.start(this.tag, "vstream.offset-store=memory",
				"vstream.start-position=current", "vstream.streams.audit.start-position=current",
				"vstream.streams.audit.checkpoint.transactions=2");
		Projection projection = app.getBean(Projection.class);
		Audit audit = app.getBean(Audit.class);
		VStreamContainerRegistry registry = app.getBean(VStreamContainerRegistry.class);
		VStreamEndpoint endpoint = new VStreamEndpoint(registry::getContainers);
		VStreamContainer defaultStream = registry.getRequiredContainer(this.tag);
		VStreamContainer auditStream = registry.getRequiredContainer("audit");
		await().atMost(TIMEOUT)
			.until(() -> defaultStream.getState() == StreamState.STREAMING
					&& auditStream.getState() == StreamState.STREAMING);

		List<String> first = insert(5);
		await().atMost(TIMEOUT).until(() -> mine(projection.skus).size() == 5 && mine(audit.skus).size() == 5);
		await().atMost(TIMEOUT).until(() -> auditStream.getSavedPosition() != null);
		assertThat(mine(audit.skus)).containsExactlyElementsOf(first);

		endpoint.control("audit", "stop", null, null);
		assertThat(auditStream.getState()).isEqualTo(StreamState.STOPPED);
		endpoint.control("audit", "reset", "copy", null);
		Optional<StreamPosition> auditReset = auditStream.getOffsetRepository().load("audit");
		StreamPosition defaultBefore = defaultStream.getOffsetRepository().load(this.tag).orElseThrow();

		List<String> whileStopped = insert(5);
		await().atMost(TIMEOUT).until(() -> mine(projection.skus).size() == 10);
		await().atMost(TIMEOUT)
			.until(() -> !defaultStream.getOffsetRepository().load(this.tag).orElseThrow().equals(defaultBefore));
		assertThat(mine(audit.skus)).as("the stopped audit stream got nothing more").hasSize(5);
		assertThat(auditStream.getOffsetRepository().load("audit")).as("the audit stream's position stood")
			.isEqualTo(auditReset);

		int auditBeforeRestart = audit.skus.size();
		endpoint.control("audit", "start", null, null);
		List<String> copied = new ArrayList<>(first);
		copied.addAll(whileStopped);
		await().atMost(TIMEOUT).until(() -> mine(since(audit.skus, auditBeforeRestart)).size() == 10);
		List<String> last = insert(3);

		List<String> committed = new ArrayList<>(copied);
		committed.addAll(last);
		await().atMost(TIMEOUT)
			.until(() -> mine(projection.skus).size() == 13
					&& mine(since(audit.skus, auditBeforeRestart)).size() == 13);
		assertThat(mine(projection.skus)).as("default stream: every committed order once, in commit order")
			.containsExactlyElementsOf(committed);
		assertThat(mine(since(audit.skus, auditBeforeRestart)))
			.as("audit stream after its reset: every order once (copied, then live)")
			.containsExactlyInAnyOrderElementsOf(committed)
			.endsWith(last.toArray(String[]::new));
		System.out.println("TwoStreamsIT: committed " + committed.size() + ", default stream received "
				+ mine(projection.skus).size() + ", audit stream received " + mine(audit.skus).size() + " ("
				+ auditBeforeRestart + " before its reset, " + mine(since(audit.skus, auditBeforeRestart)).size()
				+ " after, copy included)");
	}

	private List<String> insert(int orders) {
		List<String> skus = new ArrayList<>();
		for (int i = 0; i < orders; i++) {
			String sku = this.tag + "-" + this.next++;
			LocalVitess.execute("commerce",
					"insert into corder (customer_id, sku, price) values (1, '" + sku + "', 1.00)");
			skus.add(sku);
		}
		return skus;
	}

	/** What a listener received from an index on, copied first: it goes on receiving. */
	private static List<String> since(List<String> received, int from) {
		List<String> snapshot = List.copyOf(received);
		return snapshot.subList(from, snapshot.size());
	}

	private List<String> mine(List<String> skus) {
		return skus.stream().filter((sku) -> sku.startsWith(this.tag + "-")).toList();
	}

}
