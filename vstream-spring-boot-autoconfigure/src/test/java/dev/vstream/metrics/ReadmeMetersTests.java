package dev.vstream.metrics;

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

import dev.vstream.annotation.VStreamListener;
import dev.vstream.autoconfigure.VStreamAutoConfiguration;
import dev.vstream.autoconfigure.VStreamMetricsAutoConfiguration;
import dev.vstream.listener.RowChange;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.test.Order;
import dev.vstream.test.Readme;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitess.proto.Query;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static dev.vstream.test.vtgate.Events.begin;
import static dev.vstream.test.vtgate.Events.commit;
import static dev.vstream.test.vtgate.Events.copied;
import static dev.vstream.test.vtgate.Events.copying;
import static dev.vstream.test.vtgate.Events.corderFields;
import static dev.vstream.test.vtgate.Events.delete;
import static dev.vstream.test.vtgate.Events.insert;
import static dev.vstream.test.vtgate.Events.response;
import static dev.vstream.test.vtgate.Events.row;
import static dev.vstream.test.vtgate.Events.vgtid;
import static dev.vstream.test.vtgate.Events.vgtidEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * README.md's "Meters" table against the meters a stream records, both ways, with
 * {@code vstream.observation.enabled} off and on: a stream that receives events, calls
 * listeners that succeed and fail, meets an undecodable row, saves its position,
 * reconnects and starts without a saved position registers every meter. The application
 * is the starter's and Spring Boot's auto-configuration (a SimpleMeterRegistry, and an
 * ObservationRegistry with Boot's default meter handler), so that the meters are those an
 * application sees.
 *
 * <p>
 * A row whose "what" says {@value #ONLY_WITH} is recorded with observation on only, one
 * that says {@value #NOT_WITH} with observation off only, any other with both.
 */
// One stream per setting records the meters; every test reads them.
@TestInstance(Lifecycle.PER_CLASS)
class ReadmeMetersTests {

	private static final String HEADING = "### Meters";

	private static final String ONLY_WITH = "only with `vstream.observation.enabled=true`";

	private static final String NOT_WITH = "not with `vstream.observation.enabled=true`";

	private static final Pattern CODE = Pattern.compile("`([^`]+)`");

	private static final Pattern QUOTED = Pattern.compile("\"description\":\"([^\"]*)\".*\"name\":\"([^\"]+)\"");

	private static final Map<String, Class<? extends Meter>> TYPES = Map.of("counter", Counter.class, "timer",
			Timer.class, "time gauge", TimeGauge.class, "gauge", Gauge.class, "long task timer", LongTaskTimer.class);

	// Starting at the current position with an empty memory store: a start without a
	// saved position. No retries and a short reconnect delay: the stream runs briefly.
	private final ApplicationContextRunner application = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, ObservationAutoConfiguration.class,
				VStreamAutoConfiguration.class, VStreamMetricsAutoConfiguration.class))
		.withPropertyValues("vstream.keyspace=commerce", "vstream.offset-store=memory", "vstream.verify-tables=false",
				"vstream.start-position=current", "vstream.error.retry.attempts=0", "vstream.error.recovery=skip",
				"vstream.reconnect.initial-interval=10ms", "vstream.reconnect.jitter=0")
		.withBean(Recorder.class);

	// vstream.observation.enabled: the meters recorded with it, by name
	private final Map<Boolean, Map<String, List<Meter>>> recorded = new TreeMap<>();

	// Every meter recorded with either setting, by name
	private final Map<String, List<Meter>> meters = new TreeMap<>();

	@BeforeAll
	void recordEveryMeter() {
		for (boolean observation : new boolean[] { false, true }) {
			Map<String, List<Meter>> byName = record(observation);
			this.recorded.put(observation, byName);
			byName
				.forEach((name, named) -> this.meters.computeIfAbsent(name, (key) -> new ArrayList<>()).addAll(named));
		}
	}

	private Map<String, List<Meter>> record(boolean observation) {
		Map<String, List<Meter>> byName = new TreeMap<>();
		Query.Row undecodable = row(4, 7, "pear", "2.50").toBuilder().setLengths(2, 9).build();
		try (ScriptedVtgate vtgate = new ScriptedVtgate()) {
			vtgate.thenFail(Status.UNAVAILABLE)
				.thenSend(
						response(begin(), corderFields("commerce", "0"),
								insert("commerce", "0", "corder", row(1, 7, "sku-1", "1.00")),
								delete("commerce", "0", "corder", row(2, 7, "fail", "1.00")),
								vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-1")), commit()),
						// A copied row (the copy meters).
						response(copied(5), vgtidEvent(copying("MySQL56/a:1-1", 5)), commit()),
						// Fails the stream: after the position save above.
						response(begin(), insert("commerce", "0", "corder", undecodable),
								vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-2")), commit()));
			this.application.withPropertyValues("vstream.observation.enabled=" + observation)
				.withBean("vstreamChannel", ManagedChannel.class, vtgate::channel)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					MeterRegistry registry = context.getBean(MeterRegistry.class);
					assertThat(registry).isInstanceOf(SimpleMeterRegistry.class);
					VStreamContainer container = context.getBean(VStreamContainer.class);
					await().until(() -> container.getSavedPosition() != null && container.getReconnects() == 1
							&& registry.find("vstream.changes.failed").tag("listener", "none").counter() != null
							&& registry.find("vstream.copy.rows").counter() != null);
					container.stop();
					registry.getMeters()
						.stream()
						.filter((meter) -> meter.getId().getName().startsWith("vstream."))
						.forEach((meter) -> byName.computeIfAbsent(meter.getId().getName(), (name) -> new ArrayList<>())
							.add(meter));
				});
		}
		return byName;
	}

	@Test
	void everyMeterIsDocumentedAndEveryDocumentedMeterIsRecorded() {
		this.recorded.forEach((observation,
				byName) -> assertThat(rows().entrySet()
					.stream()
					.filter((row) -> row.getValue().recordedWith(observation))
					.map(Map.Entry::getKey)
					.toList())
					.as("meters in README.md's %s table with vstream.observation.enabled=%s", HEADING, observation)
					.containsExactlyInAnyOrderElementsOf(byName.keySet()));
	}

	@Test
	void observationReplacesTheTimerOfListenerCalls() {
		assertThat(this.recorded.get(false)).containsKey("vstream.changes.dispatched")
			.doesNotContainKey("vstream.listener");
		assertThat(this.recorded.get(true)).containsKey("vstream.listener")
			.doesNotContainKey("vstream.changes.dispatched");
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

	private record Row(String type, String tags, String what) {

		boolean recordedWith(boolean observation) {
			if (this.what.contains(ONLY_WITH)) {
				return observation;
			}
			return !this.what.contains(NOT_WITH) || !observation;
		}

	}

	static class Recorder {

		@VStreamListener(table = "corder", id = "recorder")
		void on(RowChange<Order> change) {
			Order order = (change.after() != null) ? change.after() : change.before();
			if ("fail".equals(order.sku())) {
				throw new IllegalStateException("cannot project " + order.orderId());
			}
		}

	}

}
