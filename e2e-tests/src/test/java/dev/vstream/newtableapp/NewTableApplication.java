package dev.vstream.newtableapp;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.vstream.annotation.VStreamListener;
import dev.vstream.listener.RowChange;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * The application of {@code NewTableIT} (its own package, so that no other end-to-end
 * application scans it): records the rows of {@code commerce.newtab_a} and, with
 * {@code newtableapp.b=true}, of {@code commerce.newtab_b}.
 */
@SpringBootApplication
public class NewTableApplication {

	@Bean
	TableA tableA() {
		return new TableA();
	}

	@Bean
	@ConditionalOnProperty("newtableapp.b")
	TableB tableB() {
		return new TableB();
	}

	public record Row(long id, String tag) {
	}

	public static class Recorder {

		public final List<RowChange<Row>> changes = new CopyOnWriteArrayList<>();

		/**
		 * @param tag the test's tag
		 * @return the tags of the rows with this prefix, copied ones marked
		 * {@code copied:}
		 */
		public List<String> seen(String tag) {
			return this.changes.stream()
				.filter((c) -> c.row().tag() != null && c.row().tag().startsWith(tag))
				.map((c) -> ((c.commitTime() == null) ? "copied:" : "live:") + c.row().tag().substring(tag.length()))
				.toList();
		}

	}

	public static class TableA extends Recorder {

		@VStreamListener(table = "newtab_a")
		void on(RowChange<Row> change) {
			this.changes.add(change);
		}

	}

	public static class TableB extends Recorder {

		@VStreamListener(table = "newtab_b")
		void on(RowChange<Row> change) {
			this.changes.add(change);
		}

	}

}
