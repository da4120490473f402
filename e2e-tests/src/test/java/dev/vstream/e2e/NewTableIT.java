package dev.vstream.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.vstream.newtableapp.NewTableApplication;
import dev.vstream.newtableapp.NewTableApplication.TableA;
import dev.vstream.newtableapp.NewTableApplication.TableB;
import dev.vstream.position.StreamPosition;
import dev.vstream.stream.VStreamContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A table whose listener comes after the copy phase, against the real vtgate: the saved
 * position records the tables it covers, and a listened table it does not cover has its
 * existing rows copied first (vtgate copies a table that a shard's {@code table_p_ks}
 * names without a last primary key), also after its listener was removed and added back;
 * with {@code vstream.copy-new-tables=false} a warning names it instead.
 */
@ExtendWith(OutputCaptureExtension.class)
class NewTableIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final Set<String> ONLY_A = Set.of("newtab_a");

	private static final Set<String> BOTH = Set.of("newtab_a", "newtab_b");

	private final String tag = "nt-" + UUID.randomUUID().toString().substring(0, 8) + "-";

	private final CopyPhaseIT.RecordingOffsets offsets = new CopyPhaseIT.RecordingOffsets();

	private final InJvmApps apps = new InJvmApps(NewTableApplication.class)
		.initializer((context) -> context.getBeanFactory().registerSingleton("testOffsets", this.offsets));

	@BeforeAll
	static void createTables() {
		LocalVitess.execute("commerce",
				"CREATE TABLE IF NOT EXISTS newtab_a (id BIGINT NOT NULL AUTO_INCREMENT, tag VARCHAR(64), "
						+ "PRIMARY KEY (id)) ENGINE=InnoDB",
				"CREATE TABLE IF NOT EXISTS newtab_b (id BIGINT NOT NULL AUTO_INCREMENT, tag VARCHAR(64), "
						+ "PRIMARY KEY (id)) ENGINE=InnoDB",
				// rows of earlier runs would be copied again: keep the copies small
				"delete from newtab_a", "delete from newtab_b");
	}

	@AfterEach
	void stopApps() {
		this.apps.close();
	}

	@Test
	void aTableListenedAfterTheCopyIsCopiedFirstAndAgainOnceItsListenerWasRemovedAndAddedBack(CapturedOutput output) {
		insert("newtab_a", "a1");
		ConfigurableApplicationContext app = start(false);
		TableA a = app.getBean(TableA.class);
		await().atMost(TIMEOUT).until(() -> a.seen(this.tag).equals(List.of("copied:a1")));
		awaitSaved(ONLY_A);
		stopAfterLiveRow(app, a, "a2");

		// rows of a table nothing listens to yet, and a change of the listened one
		insert("newtab_b", "b1", "b2");
		insert("newtab_a", "a3");
		app = start(true);
		TableB b = app.getBean(TableB.class);
		await().atMost(TIMEOUT).until(() -> b.seen(this.tag).size() >= 2);
		assertThat(b.seen(this.tag)).containsExactly("copied:b1", "copied:b2");
		TableA a2 = app.getBean(TableA.class);
		await().atMost(TIMEOUT).until(() -> a2.seen(this.tag).contains("live:a3"));
		assertThat(a2.seen(this.tag)).as("newtab_a is not copied again").containsExactly("live:a3");
		StreamPosition covered = awaitSaved(BOTH);
		assertThat(output).contains("Stream '" + streamId() + "' copies commerce.newtab_b first");
		// what /actuator/vstream shows as the stream's copy
		assertThat(app.getBean(VStreamContainer.class).getCopyProgress()).singleElement().satisfies((copy) -> {
			assertThat(copy.keyspace() + "." + copy.table()).isEqualTo("commerce.newtab_b");
			assertThat(copy.completed()).isTrue();
			// the other test may have left rows of its own
			assertThat(copy.rowsCopied()).isGreaterThanOrEqualTo(2);
		});
		insert("newtab_b", "b3");
		await().atMost(TIMEOUT).until(() -> b.seen(this.tag).contains("live:b3"));
		assertThat(b.seen(this.tag)).containsExactly("copied:b1", "copied:b2", "live:b3");
		app.close();
		System.out.println("NewTableIT: position after the copy of newtab_b: " + covered.toJson());

		// the listener of newtab_b removed: a change of it is not delivered, and the
		// position stops covering it
		app = start(false);
		insert("newtab_b", "b4");
		stopAfterLiveRow(app, app.getBean(TableA.class), "a4");
		assertThat(this.offsets.load(streamId()).orElseThrow().coveredTables()).isEqualTo(Map.of("commerce", ONLY_A));

		// ... and added back: copied again, with the row its listener missed
		app = start(true);
		TableB again = app.getBean(TableB.class);
		await().atMost(TIMEOUT).until(() -> again.seen(this.tag).size() >= 4);
		assertThat(again.seen(this.tag)).containsExactly("copied:b1", "copied:b2", "copied:b3", "copied:b4");
		assertThat(app.getBean(TableA.class).seen(this.tag)).isEmpty();
		awaitSaved(BOTH);
	}

	@Test
	void withCopyNewTablesOffANewTableIsNamedInAWarningAndOnlyItsChangesAfterThePositionArrive(CapturedOutput output) {
		insert("newtab_b", "b0");
		ConfigurableApplicationContext app = start(false);
		TableA a = app.getBean(TableA.class);
		awaitSaved(ONLY_A);
		stopAfterLiveRow(app, a, "a1");

		insert("newtab_b", "b1");
		app = start(true, "vstream.copy-new-tables=false");
		TableB b = app.getBean(TableB.class);
		await().atMost(TIMEOUT).until(() -> b.seen(this.tag).contains("live:b1"));
		assertThat(output).contains("Stream '" + streamId() + "' does not copy commerce.newtab_b, which its saved "
				+ "position does not cover");
		// covered from the saved position on: the next start does not warn again
		awaitSaved(BOTH);
		assertThat(b.seen(this.tag)).as("b0 existed before the saved position").containsExactly("live:b1");
	}

	/** A live row moves the position past the copy; the stop saves it. */
	private void stopAfterLiveRow(ConfigurableApplicationContext app, NewTableApplication.Recorder a, String row) {
		insert("newtab_a", row);
		await().atMost(TIMEOUT).until(() -> a.seen(this.tag).contains("live:" + row));
		app.close();
	}

	private StreamPosition awaitSaved(Set<String> tables) {
		return await().atMost(TIMEOUT)
			.until(() -> this.offsets.load(streamId()).orElse(null),
					(p) -> p != null && !p.isCopying() && Map.of("commerce", tables).equals(p.coveredTables()));
	}

	private void insert(String table, String... rows) {
		for (String row : rows) {
			LocalVitess.execute("commerce", "insert into " + table + " (tag) values ('" + this.tag + row + "')");
		}
	}

	private ConfigurableApplicationContext start(boolean withB, String... properties) {
		List<String> all = new ArrayList<>(List.of("vstream.start-position=copy",
				"vstream.reconnect.initial-interval=200ms", "newtableapp.b=" + withB));
		all.addAll(List.of(properties));
		return this.apps.start(streamId(), all);
	}

	private String streamId() {
		return this.tag.substring(0, this.tag.length() - 1);
	}

}
