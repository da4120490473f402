package dev.vstream.cli;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.vstream.listener.DdlEvent;
import dev.vstream.listener.Operation;
import dev.vstream.listener.RowChange;
import dev.vstream.position.StreamPosition;
import dev.vstream.stream.CopyProgress;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes what a tail sees, one line each. As text, as vtgate's {@code VSTREAM * FROM}
 * answers: a header {@code op} plus the table's columns (again whenever they change),
 * then per change the op ({@code +} insert, {@code *} update, {@code -} delete) and the
 * row's values in column order, tab-separated: the after image, the before image of a
 * delete. Other lines (DDL, and with {@code --verbose} positions, heartbeats and the end
 * of the copy) start with {@code #}. As JSON, one object per line: {@code op}
 * ({@code insert}, {@code update}, {@code delete}, {@code ddl}, {@code position},
 * {@code heartbeat}, {@code copy_completed}), keyspace, shard, table, and the before and
 * after images as objects.
 */
final class ChangePrinter {

	private final PrintStream out;

	private final boolean json;

	private final JsonMapper mapper = JsonMapper.builder().build();

	private List<String> header = List.of();

	/**
	 * A printer.
	 * @param out where lines go (flushed after each)
	 * @param json whether to write JSON lines
	 */
	ChangePrinter(PrintStream out, boolean json) {
		this.out = out;
		this.json = json;
	}

	/**
	 * Print a row change.
	 * @param change the change, rows as column name to value in column order
	 */
	synchronized void change(RowChange<Map<String, @Nullable Object>> change) {
		if (this.json) {
			Map<String, @Nullable Object> line = new LinkedHashMap<>();
			line.put("op", change.op().name().toLowerCase(Locale.ROOT));
			line.put("keyspace", change.keyspace());
			line.put("shard", change.shard());
			line.put("table", change.table());
			line.put("before", change.before());
			line.put("after", change.after());
			if (change.commitTime() != null) {
				line.put("commit_time", change.commitTime().toString());
			}
			if (change.isPartial()) {
				line.put("absent_columns", change.absentColumns());
			}
			println(this.mapper.writeValueAsString(line));
			return;
		}
		Map<String, @Nullable Object> row = (change.op() == Operation.DELETE) ? change.before() : change.after();
		if (row == null) {
			return;
		}
		if (!change.isPartial() && !this.header.equals(List.copyOf(row.keySet()))) {
			this.header = List.copyOf(row.keySet());
			println("op\t" + String.join("\t", this.header));
		}
		List<String> values = new ArrayList<>(this.header.size() + 1);
		values.add(glyph(change.op()));
		for (String column : this.header) {
			values.add(row.containsKey(column) ? text(row.get(column)) : "");
		}
		println(String.join("\t", values));
	}

	/**
	 * Print a schema change.
	 * @param ddl the DDL
	 */
	synchronized void ddl(DdlEvent ddl) {
		if (this.json) {
			Map<String, @Nullable Object> line = new LinkedHashMap<>();
			line.put("op", "ddl");
			line.put("keyspace", ddl.keyspace());
			line.put("shard", ddl.shard());
			line.put("statement", ddl.statement());
			println(this.mapper.writeValueAsString(line));
		}
		else {
			println("# ddl " + ddl.keyspace() + "/" + ddl.shard() + ": " + ddl.statement());
		}
	}

	/**
	 * Print the position the stream reached.
	 * @param position the position
	 */
	synchronized void position(StreamPosition position) {
		if (this.json) {
			println("{\"op\":\"position\",\"position\":" + position.toJson().replaceAll("\\s*\\n\\s*", "") + "}");
		}
		else {
			println("# position " + position.toJson().replaceAll("\\s*\\n\\s*", ""));
		}
	}

	/**
	 * Print a heartbeat of vtgate.
	 * @param time the heartbeat's time
	 */
	synchronized void heartbeat(Instant time) {
		println(this.json ? "{\"op\":\"heartbeat\",\"time\":\"" + time + "\"}" : "# heartbeat " + time);
	}

	/**
	 * Print how far the copy of the table is.
	 * @param progress the table's copy progress
	 */
	synchronized void copyProgress(CopyProgress progress) {
		Integer percent = progress.percent();
		Duration remaining = progress.remaining();
		if (this.json) {
			println(String.format(Locale.ROOT,
					"{\"op\":\"copy_progress\",\"table\":\"%s\",\"rows_copied\":%d,\"estimated_rows\":%s,"
							+ "\"rows_per_second\":%.0f,\"seconds_left\":%s}",
					progress.qualifiedName(), progress.rowsCopied(), progress.estimatedRows(), progress.rowsPerSecond(),
					(remaining != null) ? remaining.toSeconds() : null));
		}
		else {
			println(String.format(Locale.ROOT, "# copy %s: %,d rows copied%s, %,.0f rows/s%s", progress.qualifiedName(),
					progress.rowsCopied(),
					(progress.estimatedRows() != null) ? " of ~"
							+ String.format(Locale.ROOT, "%,d", progress.estimatedRows()) + " (" + percent + "%)" : "",
					progress.rowsPerSecond(), (remaining != null) ? ", " + remaining.toSeconds() + " s left" : ""));
		}
	}

	/** Print that the copy phase has ended: live changes follow. */
	synchronized void copyCompleted() {
		println(this.json ? "{\"op\":\"copy_completed\"}" : "# copy completed");
	}

	private void println(String line) {
		this.out.println(line);
		this.out.flush();
	}

	/**
	 * A value as text: SQL NULL as {@code NULL}, numbers without exponent, bytes as
	 * UTF-8.
	 * @param value the value
	 * @return the text
	 */
	static String text(@Nullable Object value) {
		if (value == null) {
			return "NULL";
		}
		if (value instanceof BigDecimal decimal) {
			return decimal.toPlainString();
		}
		if (value instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		return value.toString();
	}

	/**
	 * The op column of vtgate's {@code VSTREAM}: {@code +} insert, {@code *} update,
	 * {@code -} delete.
	 * @param op the operation
	 * @return its glyph
	 */
	static String glyph(Operation op) {
		return switch (op) {
			case INSERT -> "+";
			case UPDATE -> "*";
			case DELETE -> "-";
		};
	}

}
