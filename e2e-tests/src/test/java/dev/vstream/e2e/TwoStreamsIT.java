package dev.vstream.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.vstream.actuate.VStreamEndpoint;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.StreamPosition;
import dev.vstream.scaling.ActiveStandbyCoordinator;
import dev.vstream.scaling.LockFence;
import dev.vstream.scaling.ScalingCoordinator;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamContainerRegistry;
import dev.vstream.streamsapp.TwoStreamsApplication;
import dev.vstream.streamsapp.TwoStreamsApplication.Audit;
import dev.vstream.streamsapp.TwoStreamsApplication.Projection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two streams over {@code commerce.corder} in one application, on the real vtgate: the
 * default stream (a projection) and the named stream {@code audit}
 * ({@code vstream.streams.audit.*}). Both get the first orders; the audit stream is then
 * stopped and reset to copy through the {@code /actuator/vstream} operations while more
 * orders are written, which the default stream goes on receiving, its saved position
 * moving while the audit stream's stands; started again, the audit stream copies the
 * table and ends with every order. And a named stream in active-standby mode beside the
 * default stream in single mode. Committed against received for each stream. Other tests'
 * orders on the shared keyspace are told apart by their sku.
 */
class TwoStreamsIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final String tag = "streams-" + UUID.randomUUID().toString().substring(0, 8);

	private final InJvmApps apps = new InJvmApps(TwoStreamsApplication.class);

	private int next;

	/** Where the active-standby test keeps positions and locks; cleaned after it. */
	private JdbcTemplate postgres;

	private final List<String> postgresStreams = new ArrayList<>();

	@AfterEach
	void stop() {
		this.apps.close();
		if (this.postgres != null) {
			for (String stream : this.postgresStreams) {
				this.postgres.update("delete from vstream_offset where stream_id = ?", stream);
			}
			this.postgres.update("delete from INT_LOCK where REGION = ?", this.tag);
		}
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

	/**
	 * A named stream in active-standby mode beside the default stream in single mode,
	 * positions and locks in PostgreSQL ({@code JdbcLockRegistry}): elected, the named
	 * stream streams under its own lock {@code vstream:<id>}, its saves fenced by it,
	 * while the default stream streams without a lock; both get every order.
	 */
	@Test
	void aNamedStreamInActiveStandbyModeStreamsBesideTheSingleDefaultStream() {
		String audit = "audit-" + this.tag.substring("streams-".length());
		this.postgres = new JdbcTemplate(new SingleConnectionDataSource(LocalVitess.get("VSTREAM_TEST_POSTGRES_URL"),
				LocalVitess.get("VSTREAM_TEST_POSTGRES_USER"), LocalVitess.get("VSTREAM_TEST_POSTGRES_PASSWORD"),
				true));
		this.postgresStreams.addAll(List.of(this.tag, audit));
		long started = System.nanoTime();
		ConfigurableApplicationContext app = this.apps.start(this.tag, "vstream.offset-store=jdbc",
				"spring.datasource.url=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_URL"),
				"spring.datasource.username=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_USER"),
				"spring.datasource.password=" + LocalVitess.get("VSTREAM_TEST_POSTGRES_PASSWORD"),
				"vstream.start-position=current", "streams.audit=" + audit,
				"vstream.streams." + audit + ".start-position=current",
				"vstream.streams." + audit + ".scaling.mode=active-standby", "vstream.scaling.instance-id=" + this.tag,
				"vstream.scaling.jdbc.region=" + this.tag, "vstream.scaling.lease=5s",
				"vstream.scaling.check-interval=1s", "vstream.stop-timeout=2s");
		long appStarted = System.nanoTime();
		assertThat(app.getBeansOfType(ScalingCoordinator.class)).containsOnlyKeys("vstreamScalingCoordinator-" + audit);
		ActiveStandbyCoordinator coordinator = app.getBean("vstreamScalingCoordinator-" + audit,
				ActiveStandbyCoordinator.class);
		VStreamContainerRegistry registry = app.getBean(VStreamContainerRegistry.class);
		VStreamContainer defaultStream = registry.getRequiredContainer(this.tag);
		VStreamContainer auditStream = registry.getRequiredContainer(audit);
		await().atMost(TIMEOUT).until(coordinator::isLeader);
		await().atMost(TIMEOUT)
			.until(() -> defaultStream.getState() == StreamState.STREAMING
					&& auditStream.getState() == StreamState.STREAMING);

		long writing = System.nanoTime();
		List<String> committed = insert(5);
		Projection projection = app.getBean(Projection.class);
		Audit auditLog = app.getBean(Audit.class);
		await().atMost(TIMEOUT).until(() -> mine(projection.skus).size() == 5 && mine(auditLog.skus).size() == 5);
		long received = System.nanoTime();
		assertThat(mine(projection.skus)).as("default stream (single)").containsExactlyElementsOf(committed);
		assertThat(mine(auditLog.skus)).as("named stream (active-standby)").containsExactlyElementsOf(committed);

		OffsetRepository offsets = app.getBean(OffsetRepository.class);
		await().atMost(TIMEOUT).until(() -> offsets.load(audit).isPresent() && offsets.load(this.tag).isPresent());
		assertThat(auditStream.getOffsetRepository()).as("the named stream's saves are fenced by its lock")
			.hasToString("fenced by lock 'vstream:" + audit + "': " + offsets);
		LockFence fence = app.getBean(LockFence.class);
		assertThat(fence.owner(ActiveStandbyCoordinator.lockKey(audit))).isEqualTo(this.tag);
		assertThat(fence.owner(ActiveStandbyCoordinator.lockKey(this.tag))).as("the default stream holds no lock")
			.isNull();
		assertThat(
				this.postgres.queryForObject("select count(*) from INT_LOCK where REGION = ?", Integer.class, this.tag))
			.as("one lock row: the named stream's")
			.isEqualTo(1);
		System.out.println("TwoStreamsIT (active-standby): committed " + committed.size() + ", default stream "
				+ mine(projection.skus).size() + ", named stream " + mine(auditLog.skus).size() + "; application start "
				+ millis(started, appStarted) + " ms, elected and streaming " + millis(appStarted, writing)
				+ " ms later, orders written and received by both in " + millis(writing, received) + " ms");
	}

	private static long millis(long from, long to) {
		return Duration.ofNanos(to - from).toMillis();
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
