package dev.vstream.stream;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.vstream.position.LogSafeText;
import org.jspecify.annotations.Nullable;

/**
 * Notices a DDL that drops a listened table, or renames it away: what a stream of the
 * source keyspace sees of a {@code MoveTables} workflow, whose {@code complete} drops (or
 * renames) the moved tables. vtgate does not pass the workflow's journal on
 * ({@code MigrationType_TABLES} journals are dropped), and since its
 * {@code SwitchTraffic} the table's changes have gone to the target keyspace, which the
 * stream does not stream: without a word here, the listener would simply go quiet. Used
 * on the stream's thread only.
 */
final class RemovedTables {

	private static final String PART = "(?:`(?:[^`]|``)+`|[\\w$]+)";

	/** A table name, maybe qualified with its database. */
	private static final String NAME = PART + "(?:\\s*\\.\\s*" + PART + ")?";

	private static final Pattern NAME_PATTERN = Pattern.compile(NAME);

	private static final Pattern PART_PATTERN = Pattern.compile(PART);

	private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/", Pattern.DOTALL);

	private static final Pattern DROP = Pattern.compile(
			"drop\\s+(?:temporary\\s+)?tables?\\s+(?:if\\s+exists\\s+)?(.+?)(?:\\s+(?:restrict|cascade))?\\s*;?",
			Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

	private static final Pattern RENAME = Pattern.compile("rename\\s+tables?\\s+(.+?)\\s*;?",
			Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

	private static final Pattern ALTER_RENAME = Pattern.compile(
			"alter\\s+table\\s+(" + NAME + ")\\s+rename\\s+(?:to\\s+|as\\s+)?(" + NAME + ")\\s*;?",
			Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

	private static final Pattern RENAME_PAIR = Pattern.compile("(" + NAME + ")\\s+to\\s+(" + NAME + ")",
			Pattern.CASE_INSENSITIVE);

	private final String streamId;

	/** Per {@code keyspace/table} (table in lower case), the ids of its listeners. */
	private final Map<String, List<String>> listeners = new LinkedHashMap<>();

	/** The tables warned about on this connection: every shard sends the DDL. */
	private final Set<String> warned = new HashSet<>();

	/**
	 * Watch the listened tables of a stream.
	 * @param streamId the stream
	 * @param listeners per {@code keyspace/table}, the ids of its listeners
	 */
	RemovedTables(String streamId, Map<String, List<String>> listeners) {
		this.streamId = streamId;
		listeners.forEach(
				(table, ids) -> this.listeners.computeIfAbsent(table.toLowerCase(Locale.ROOT), (k) -> new ArrayList<>())
					.addAll(ids));
	}

	/**
	 * The warning for a DDL that drops or renames away a listened table, once per table.
	 * @param keyspace the DDL's keyspace
	 * @param shard the DDL's shard
	 * @param statement the DDL
	 * @return the warning, or {@code null} when the DDL removes no listened table (or one
	 * warned about already)
	 */
	@Nullable String warning(String keyspace, String shard, String statement) {
		Map<String, String> removed = removed(statement);
		List<String> lines = new ArrayList<>();
		removed.forEach((table, how) -> {
			String key = keyspace + "/" + table.toLowerCase(Locale.ROOT);
			List<String> ids = this.listeners.get(key);
			if (ids != null && this.warned.add(key)) {
				lines.add("Stream '" + this.streamId + "': table '" + LogSafeText.of(table, 128) + "' of keyspace '"
						+ LogSafeText.of(keyspace, 64) + "', which listener" + ((ids.size() > 1) ? "s " : " ") + ids
						+ ((ids.size() > 1) ? " listen" : " listens") + " to, was " + how + " on shard "
						+ LogSafeText.of(shard, 64) + " (" + LogSafeText.of(statement, 500) + "). "
						+ "If a MoveTables workflow moved it to another keyspace (its complete drops or renames "
						+ "the source table), its changes have gone to that keyspace since the workflow's "
						+ "SwitchTraffic and this stream, which streams keyspace '" + LogSafeText.of(keyspace, 64)
						+ "', did not and will not receive them (vtgate does not pass MoveTables journals on to "
						+ "streams). Stream the table from its new keyspace: a listener with "
						+ "@VStreamListener(keyspace = \"<target keyspace>\") in a stream of its own (another "
						+ "vstream.id), starting with vstream.start-position=copy or at a position from before "
						+ "SwitchTraffic; and remove the listener here: a restart fails while it listens to a table "
						+ "the keyspace does not have.");
			}
		});
		return lines.isEmpty() ? null : String.join(System.lineSeparator(), lines);
	}

	/**
	 * The tables a DDL drops or renames away, with how.
	 * @param statement the DDL
	 * @return per table name (unquoted, without its database), {@code dropped} or
	 * {@code renamed to ...}
	 */
	static Map<String, String> removed(String statement) {
		String ddl = COMMENT.matcher(statement).replaceAll(" ").strip();
		Map<String, String> removed = new LinkedHashMap<>();
		Matcher drop = DROP.matcher(ddl);
		if (drop.matches()) {
			Matcher name = NAME_PATTERN.matcher(drop.group(1));
			while (name.find()) {
				removed.put(table(name.group()), "dropped");
			}
			return removed;
		}
		List<String[]> pairs = new ArrayList<>();
		Matcher alter = ALTER_RENAME.matcher(ddl);
		if (alter.matches()) {
			pairs.add(new String[] { table(alter.group(1)), table(alter.group(2)) });
		}
		Matcher rename = RENAME.matcher(ddl);
		if (rename.matches()) {
			Matcher pair = RENAME_PAIR.matcher(rename.group(1));
			while (pair.find()) {
				pairs.add(new String[] { table(pair.group(1)), table(pair.group(2)) });
			}
		}
		// A swap (rename t to t_old, t_new to t: online DDL's cut-over) leaves the table
		// in place.
		Set<String> targets = new HashSet<>();
		pairs.forEach((p) -> targets.add(p[1].toLowerCase(Locale.ROOT)));
		for (String[] p : pairs) {
			if (!targets.contains(p[0].toLowerCase(Locale.ROOT))) {
				removed.put(p[0], "renamed to '" + LogSafeText.of(p[1], 128) + "'");
			}
		}
		return removed;
	}

	/** The table of a name: its last part, unquoted. */
	private static String table(String name) {
		Matcher part = PART_PATTERN.matcher(name);
		String last = name;
		while (part.find()) {
			last = part.group();
		}
		return last.startsWith("`") ? last.substring(1, last.length() - 1).replace("``", "`") : last;
	}

}
