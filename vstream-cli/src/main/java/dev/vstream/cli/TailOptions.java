package dev.vstream.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.vstream.listener.RowCondition;
import dev.vstream.position.StreamPosition;
import io.vitess.proto.Topodata.TabletType;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The arguments of {@code tail}.
 *
 * @param keyspace the keyspace of the table
 * @param table the table
 * @param vtgate vtgate's gRPC address, {@code host:port}
 * @param from {@code copy}, {@code current} or a position as VGtid JSON
 * @param where the row condition vtgate applies, {@code null} for every row
 * @param json whether to print JSON lines
 * @param verbose whether to print positions, heartbeats and the end of the copy
 * @param limit how many changes to print before stopping, {@code 0} for no limit
 * @param tabletType the tablet type to stream from
 * @param properties further {@code vstream.*} properties ({@code --vstream.x=y})
 */
record TailOptions(String keyspace, String table, String vtgate, String from, @Nullable RowCondition where,
		boolean json, boolean verbose, long limit, String tabletType, Map<String, String> properties) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	static final String USAGE = """
			Usage: java -jar vstream-cli.jar tail <keyspace>.<table> [options]

			Prints each change of a table as vtgate's VSTREAM * FROM does: a header (op and the
			table's columns), then one line per change: op (+ insert, * update, - delete) and the
			row's values, tab-separated (the new row; the old one for a delete). DDL lines start
			with '#'. Streams through the vstream-spring-boot starter; the position is kept in
			memory only, nothing is saved.

			Options:
			  --vtgate <host:port>     vtgate's gRPC address (default localhost:15991)
			  --from <where>           copy: the existing rows first, then live changes;
			                           current: live changes only (default);
			                           a position: the changes after it; as VGtid JSON (what
			                           --verbose prints), or a stream's position as
			                           /actuator/vstream/<id> shows it (its whole answer will do)
			  --where <condition>      print only rows that match, filtered by vtgate (a change
			                           matches if its old or its new row does): what Vitess's
			                           VStream filter accepts, e.g. customer_id = 7 and
			                           price >= 10, sku in ('a', 'b'), note is not null,
			                           in_keyrange('-80'); no 'or', no 'not in'; string
			                           values quoted ('a')
			  --json                   one JSON object per change: op, keyspace, shard, table,
			                           before, after
			  --verbose                also print positions, heartbeats and the end of the copy
			  --limit <n>              stop after n changes (exit code 0)
			  --tablet-type <type>     primary (default), replica or rdonly
			  --vstream.<name>=<value> any other starter property, e.g.
			                           --vstream.vtgate.username=... or --vstream.heartbeat-interval=1s
			  --help                   this text

			A broken stream reconnects and goes on where it was, for up to 2 minutes of failed
			attempts (--vstream.reconnect.max-elapsed-time=0: for ever).

			Exit codes: 0 after --limit changes or when the stream ends, 1 when the stream cannot
			start or fails (the reason is printed), 2 for wrong arguments.
			""";

	/**
	 * The {@code --where} condition, parsed by the starter as a listener's {@code where}.
	 */
	private static @Nullable RowCondition where(String text) {
		if (text.isBlank()) {
			return null;
		}
		try {
			return RowCondition.parse(text);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("--where: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Parse the arguments after {@code tail}.
	 * @param args the arguments
	 * @return the options
	 * @throws IllegalArgumentException on a wrong argument, saying which
	 */
	static TailOptions parse(List<String> args) {
		String target = null;
		String vtgate = "localhost:15991";
		String from = "current";
		RowCondition where = null;
		boolean json = false;
		boolean verbose = false;
		long limit = 0;
		String tabletType = "primary";
		Map<String, String> properties = new LinkedHashMap<>();
		List<String> rest = new ArrayList<>(args);
		while (!rest.isEmpty()) {
			String arg = rest.remove(0);
			String name = arg;
			String value = null;
			int eq = arg.indexOf('=');
			if (arg.startsWith("--") && eq > 0) {
				name = arg.substring(0, eq);
				value = arg.substring(eq + 1);
			}
			switch (name) {
				case "--vtgate" -> vtgate = (value != null) ? value : next(rest, name);
				case "--from" -> from = (value != null) ? value : next(rest, name);
				case "--where" -> where = where((value != null) ? value : next(rest, name));
				case "--limit" -> limit = parseLimit((value != null) ? value : next(rest, name));
				case "--tablet-type" -> tabletType = (value != null) ? value : next(rest, name);
				case "--json" -> json = true;
				case "--verbose" -> verbose = true;
				default -> {
					if (name.startsWith("--vstream.") && value != null) {
						properties.put(name.substring(2), value);
					}
					else if (!arg.startsWith("-") && target == null) {
						target = arg;
					}
					else {
						throw new IllegalArgumentException("unknown argument '" + arg + "'");
					}
				}
			}
		}
		if (target == null) {
			throw new IllegalArgumentException("name the table to tail: <keyspace>.<table>");
		}
		int dot = target.indexOf('.');
		if (dot <= 0 || dot == target.length() - 1 || target.indexOf('.', dot + 1) >= 0) {
			throw new IllegalArgumentException("'" + target + "' is not <keyspace>.<table>");
		}
		if (!from.equals("copy") && !from.equals("current")) {
			from = startVgtid(from);
		}
		try {
			TabletType.valueOf(tabletType.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					"--tablet-type: '" + tabletType + "' is not a tablet type (primary, replica, rdonly)");
		}
		return new TailOptions(target.substring(0, dot), target.substring(dot + 1), vtgate, from, where, json, verbose,
				limit, tabletType.toLowerCase(Locale.ROOT), Map.copyOf(properties));
	}

	private static String next(List<String> rest, String name) {
		if (rest.isEmpty()) {
			throw new IllegalArgumentException(name + " needs a value");
		}
		return rest.remove(0);
	}

	private static long parseLimit(String value) {
		try {
			long limit = Long.parseLong(value);
			if (limit > 0) {
				return limit;
			}
		}
		catch (NumberFormatException ex) {
			// below
		}
		throw new IllegalArgumentException("--limit: '" + value + "' is not a positive number");
	}

	/**
	 * A start position as VGtid JSON: given as such (what {@code --verbose} prints and
	 * the {@code reset} operation of {@code /actuator/vstream} takes), or as
	 * {@code /actuator/vstream} shows a stream's position ({@code {"shards": [...]}},
	 * alone or in the stream's whole answer), which a stream that is still copying cannot
	 * be resumed from (it lacks the copy's last primary keys).
	 * @param from the position
	 * @return the VGtid JSON
	 * @throws IllegalArgumentException when it is neither
	 */
	static String startVgtid(String from) {
		JsonNode tree;
		try {
			tree = JSON.readTree(from);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("--from: expected copy, current or a position as JSON, got '"
					+ ((from.length() > 60) ? from.substring(0, 60) + "..." : from) + "'", ex);
		}
		JsonNode position = tree.has("position") ? tree.get("position") : tree;
		String vgtid = from;
		if (position != null && position.has("shards")) {
			ObjectNode converted = JSON.createObjectNode();
			ArrayNode shardGtids = converted.putArray("shardGtids");
			JsonNode shards = position.get("shards");
			for (int i = 0; i < shards.size(); i++) {
				JsonNode shard = shards.get(i);
				JsonNode copying = shard.get("copyingTables");
				if (copying != null && !copying.isEmpty()) {
					throw new IllegalArgumentException("--from: shard " + shard.path("keyspace").asString() + "/"
							+ shard.path("shard").asString() + " is still copying " + copying
							+ "; a tail can start from a position after the copy only (or use --from copy)");
				}
				shardGtids.addObject()
					.put("keyspace", shard.path("keyspace").asString())
					.put("shard", shard.path("shard").asString())
					.put("gtid", shard.path("gtid").asString());
			}
			vgtid = JSON.writeValueAsString(converted);
		}
		try {
			StreamPosition.fromJson(vgtid);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException(
					"--from: expected copy, current or a position as VGtid JSON: " + ex.getMessage(), ex);
		}
		return vgtid;
	}

	/**
	 * The starter's properties of this tail: one stream of the table's keyspace, its
	 * position in memory.
	 * @return the properties
	 */
	Map<String, Object> streamProperties() {
		Map<String, Object> stream = new LinkedHashMap<>();
		stream.put("vstream.id", "tail");
		stream.put("vstream.vtgate.address", this.vtgate);
		stream.put("vstream.keyspace", this.keyspace);
		stream.put("vstream.offset-store", "memory");
		stream.put("vstream.tablet-type", this.tabletType);
		// Through a vtgate restart, but not on and on against a vtgate that is gone.
		stream.put("vstream.reconnect.max-elapsed-time", "2m");
		if (this.from.equals("copy") || this.from.equals("current")) {
			stream.put("vstream.start-position", this.from);
		}
		else {
			stream.put("vstream.start-vgtid", this.from);
		}
		stream.putAll(this.properties);
		return stream;
	}

}
