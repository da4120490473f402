package dev.vstream.types;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.vstream.e2e.LocalVitess;
import dev.vstream.listener.DdlEvent;
import dev.vstream.listener.RowChange;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.types.TypesApplication.Recorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * ALTER TABLE through the real vtgate (DDL strategy {@code direct}) while streaming
 * {@code commerce.ddl_probe}: the stream goes on, the DDL listener gets each statement,
 * and rows written after each DDL map with the new columns.
 */
class SchemaChangeIT {

	private final String suffix = UUID.randomUUID().toString().substring(0, 8);

	private final String tag = "ddl-" + this.suffix;

	private final String added = "note_" + this.suffix;

	private final String renamed = "remark_" + this.suffix;

	private ConfigurableApplicationContext app;

	@BeforeAll
	static void createTables() {
		TypesSupport.createTables();
	}

	@AfterEach
	void stop() {
		if (this.app != null) {
			this.app.close();
		}
		// The cluster keeps its data: leave the table as the schema file defines it
		for (String column : List.of(this.added, this.renamed)) {
			try {
				LocalVitess.execute("commerce", "alter table ddl_probe drop column " + column);
			}
			catch (IllegalStateException ex) {
				// the test dropped it already, or never got to add it
			}
		}
	}

	@Test
	void addRenameAndDropColumnWhileStreaming() {
		this.app = TypesSupport.start("ddl-" + this.suffix, "vstream.start-position=current");
		TypesSupport.awaitStreaming(this.app);
		Recorder recorder = this.app.getBean(Recorder.class);

		insertAndAwait(recorder, "insert into ddl_probe (tag) values ('" + this.tag + "-0')", 1);
		alterAndAwait(recorder, "alter table ddl_probe add column " + this.added + " varchar(32)");
		insertAndAwait(recorder, "insert into ddl_probe (tag, " + this.added + ") values ('" + this.tag + "-1', 'one')",
				2);
		alterAndAwait(recorder, "alter table ddl_probe rename column " + this.added + " to " + this.renamed);
		insertAndAwait(recorder,
				"insert into ddl_probe (tag, " + this.renamed + ") values ('" + this.tag + "-2', 'two')", 3);
		alterAndAwait(recorder, "alter table ddl_probe drop column " + this.renamed);
		insertAndAwait(recorder, "insert into ddl_probe (tag) values ('" + this.tag + "-3')", 4);

		List<Map<String, Object>> rows = mine(recorder).stream().map(RowChange::after).toList();
		assertThat(rows.get(0)).containsOnlyKeys("id", "tag");
		assertThat(rows.get(1)).containsOnlyKeys("id", "tag", this.added).containsEntry(this.added, "one");
		assertThat(rows.get(2)).containsOnlyKeys("id", "tag", this.renamed).containsEntry(this.renamed, "two");
		assertThat(rows.get(3)).containsOnlyKeys("id", "tag");
		assertThat(myDdl(recorder)).extracting(DdlEvent::statement)
			.containsExactly("alter table ddl_probe add column " + this.added + " varchar(32)",
					"alter table ddl_probe rename column " + this.added + " to " + this.renamed,
					"alter table ddl_probe drop column " + this.renamed);
		assertThat(myDdl(recorder)).allSatisfy((event) -> {
			assertThat(event.keyspace()).isEqualTo("commerce");
			assertThat(event.shard()).isEqualTo("0");
			assertThat(event.position()).isNotNull();
		});
		VStreamContainer container = this.app.getBean(VStreamContainer.class);
		assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
		assertThat(container.getReconnects()).isZero();
	}

	/**
	 * Each step waits for the previous one to come off the stream: Vitess names the
	 * columns of a row by the table's definition when it reads the row from the binlog,
	 * so a row still unread when a column is renamed would arrive under the new name.
	 */
	private void insertAndAwait(Recorder recorder, String insert, int rows) {
		LocalVitess.execute("commerce", insert);
		await().atMost(TypesSupport.TIMEOUT).untilAsserted(() -> assertThat(mine(recorder)).hasSize(rows));
	}

	private void alterAndAwait(Recorder recorder, String ddl) {
		int before = myDdl(recorder).size();
		LocalVitess.execute("commerce", ddl);
		await().atMost(TypesSupport.TIMEOUT).untilAsserted(() -> assertThat(myDdl(recorder)).hasSize(before + 1));
	}

	private List<RowChange<Map<String, Object>>> mine(Recorder recorder) {
		return recorder.probes.stream()
			.filter((c) -> c.after() != null && ((String) c.after().get("tag")).startsWith(this.tag))
			.toList();
	}

	private List<DdlEvent> myDdl(Recorder recorder) {
		return recorder.ddl.stream().filter((e) -> e.statement().contains(this.suffix)).toList();
	}

}
