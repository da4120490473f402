package dev.vstream.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.vstream.listener.DefaultVStreamErrorHandler;
import dev.vstream.listener.ErrorRecovery;
import dev.vstream.listener.RowChange;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.stream.DefaultVStreamContainer;
import dev.vstream.stream.VStreamSettings;
import dev.vstream.test.Order;
import dev.vstream.test.Readme;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.TestVtgate;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.vitess.proto.Query;
import io.vitess.proto.Topodata.TabletType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.backoff.FixedBackOff;

import static dev.vstream.test.Events.begin;
import static dev.vstream.test.Events.commit;
import static dev.vstream.test.Events.corderFields;
import static dev.vstream.test.Events.delete;
import static dev.vstream.test.Events.insert;
import static dev.vstream.test.Events.response;
import static dev.vstream.test.Events.row;
import static dev.vstream.test.Events.vgtid;
import static dev.vstream.test.Events.vgtidEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * README.md's "Meters" table against the meters a stream records, both ways: a stream
 * that receives events, calls listeners that succeed and fail, meets an undecodable row,
 * saves its position, reconnects and starts without a saved position registers every
 * meter. The registries are Spring Boot's (a SimpleMeterRegistry, and an
 * ObservationRegistry with Boot's default meter handler), as an application gets them, so
 * that the meters of the listener observation are those an application sees.
 */
// One stream records the meters; every test reads them.
@TestInstance(Lifecycle.PER_CLASS)
class ReadmeMetersTests {

	private static final String HEADING = "### Meters";

	private static final Pattern CODE = Pattern.compile("`([^`]+)`");

	private static final Pattern QUOTED = Pattern.compile("\"description\":\"([^\"]*)\".*\"name\":\"([^\"]+)\"");

	private static final Map<String, Class<? extends Meter>> TYPES = Map.of("counter", Counter.class, "timer",
			Timer.class, "time gauge", TimeGauge.class, "long task timer", LongTaskTimer.class);

	private final StreamFixture<InMemoryOffsetRepository> fixture = StreamFixture.inMemory();

	private final TestVtgate vtgate = this.fixture.vtgate();

	private final ApplicationContextRunner boot = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, ObservationAutoConfiguration.class));

	private final Map<String, List<Meter>> meters = new TreeMap<>();

	@BeforeAll
	void recordEveryMeter() {
		Query.Row undecodable = row(4, 7, "pear", "2.50").toBuilder().setLengths(2, 9).build();
		this.vtgate.thenFail(Status.UNAVAILABLE)
			.thenSend(
					response(begin(), corderFields("commerce", "0"),
							insert("commerce", "0", "corder", row(1, 7, "sku-1", "1.00")),
							delete("commerce", "0", "corder", row(2, 7, "fail", "1.00")),
							vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-1")), commit()),
					// Fails the stream: after the position save above.
					response(begin(), insert("commerce", "0", "corder", undecodable),
							vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-2")), commit()));
		this.boot.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry).isInstanceOf(SimpleMeterRegistry.class);
			DefaultVStreamContainer container = container(
					new MicrometerVStreamMonitor(registry, context.getBean(ObservationRegistry.class), null));
			container.start();
			await().until(() -> container.getSavedPosition() != null && container.getReconnects() == 1
					&& registry.find("vstream.changes.failed").tag("listener", "none").counter() != null);
			container.stop();
			registry.getMeters()
				.stream()
				.filter((meter) -> meter.getId().getName().startsWith("vstream."))
				.forEach((meter) -> this.meters.computeIfAbsent(meter.getId().getName(), (name) -> new ArrayList<>())
					.add(meter));
		});
	}

	@AfterAll
	void close() {
		this.fixture.close();
	}

	@Test
	void everyMeterIsDocumentedAndEveryDocumentedMeterIsRecorded() {
		assertThat(rows().keySet()).as("meters in README.md's %s table", HEADING)
			.containsExactlyInAnyOrderElementsOf(this.meters.keySet());
	}

	@Test
	void typesAreAsDocumented() {
		rows().forEach((name, row) -> {
			String documented = row.type().replaceFirst(" \\(.*", "");
			assertThat(TYPES).as("README.md's type '%s' of %s", row.type(), name).containsKey(documented);
			assertThat(this.meters.getOrDefault(name, List.of())).as("meters named %s", name)
				.isNotEmpty()
				.allSatisfy((meter) -> assertThat(meter).isInstanceOf(TYPES.get(documented)));
		});
	}

	@Test
	void tagsAreAsDocumented() {
		rows().forEach((name, row) -> {
			Set<String> recorded = this.meters.getOrDefault(name, List.of())
				.stream()
				.flatMap((meter) -> meter.getId().getTags().stream())
				.map(Tag::getKey)
				.collect(Collectors.toCollection(TreeSet::new));
			assertThat(recorded).as("tags of %s", name).containsExactlyInAnyOrderElementsOf(codeSpans(row.tags()));
		});
	}

	// "In substance": every word of four letters or more of the meter's own description
	// is in the README's sentence, which may say more (why, when, what the tags mean).
	@Test
	void descriptionsAgreeWithTheWhatColumn() {
		rows().forEach((name, row) -> {
			String what = row.what().toLowerCase(Locale.ROOT);
			this.meters.getOrDefault(name, List.of())
				.stream()
				.map((meter) -> meter.getId().getDescription())
				.filter((description) -> description != null)
				.distinct()
				.forEach((description) -> assertThat(words(description))
					.as("words of %s's description '%s' in README.md's '%s'", name, description, row.what())
					.allSatisfy((word) -> assertThat(what).contains(word)));
		});
	}

	@Test
	void quotedDescriptionsAreTheMetersOwn() {
		Matcher quoted = QUOTED.matcher(Readme.read().section(HEADING));
		int quotes = 0;
		while (quoted.find()) {
			quotes++;
			String name = quoted.group(2);
			assertThat(this.meters.getOrDefault(name, List.of())).as("meters named %s, quoted in README.md", name)
				.isNotEmpty()
				.allSatisfy((meter) -> assertThat(meter.getId().getDescription()).isEqualTo(quoted.group(1)));
		}
		assertThat(quotes).as("descriptions quoted by README.md's %s", HEADING).isPositive();
	}

	private static Map<String, Row> rows() {
		Map<String, Row> rows = new LinkedHashMap<>();
		for (List<String> cells : Readme.read().table(HEADING, "meter", "type", "tags", "what")) {
			List<String> names = codeSpans(cells.get(0));
			assertThat(names).as("meter cell %s: one code span", cells.get(0)).hasSize(1);
			assertThat(rows.put(names.get(0), new Row(cells.get(1), cells.get(2), cells.get(3))))
				.as("second row of %s", names.get(0))
				.isNull();
		}
		return rows;
	}

	private static List<String> codeSpans(String cell) {
		return CODE.matcher(cell).results().map((match) -> match.group(1)).toList();
	}

	private static List<String> words(String description) {
		return Arrays.stream(description.toLowerCase(Locale.ROOT).split("[^a-z]+"))
			.filter((word) -> word.length() >= 4)
			.toList();
	}

	private DefaultVStreamContainer container(MicrometerVStreamMonitor monitor) {
		// Starting at the current position with an empty memory store: a start without a
		// saved position.
		VStreamSettings settings = new VStreamSettings("orders", "commerce", StartPosition.CURRENT, TabletType.PRIMARY,
				Duration.ZERO, false, new FixedBackOff(10, Long.MAX_VALUE), List.of());
		DefaultVStreamContainer container = this.fixture.container(settings,
				new DefaultVStreamErrorHandler(new FixedBackOff(0, 0), ErrorRecovery.SKIP, null),
				this.fixture.endpoint("recorder", "corder", new Recorder(), "on"));
		container.setMonitor(monitor);
		return container;
	}

	private record Row(String type, String tags, String what) {

	}

	static class Recorder {

		void on(RowChange<Order> change) {
			Order order = (change.after() != null) ? change.after() : change.before();
			if ("fail".equals(order.sku())) {
				throw new IllegalStateException("cannot project " + order.orderId());
			}
		}

	}

}
