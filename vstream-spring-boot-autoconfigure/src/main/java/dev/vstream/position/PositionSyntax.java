package dev.vstream.position;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VGtid;

/**
 * What a stored or entered position may contain: keyspace and shard names as Vitess makes
 * them, GTID sets of the flavors vtgate sends, and a bounded size. A position that passes
 * is safe to send to vtgate, to log and to show; one that does not is refused before it
 * is saved, instead of leaving a stream that cannot resume from it.
 */
final class PositionSyntax {

	/** More shards than any keyspace has; a position is sent to vtgate on every start. */
	static final int MAX_SHARDS = 4096;

	/** Room for a MySQL GTID set of well over a thousand source servers. */
	static final int MAX_GTID_LENGTH = 65_536;

	/**
	 * The GTID sets of all shards together: far more than real positions hold (a few
	 * hundred characters per shard), far less than the shard and set limits multiply to.
	 */
	static final int MAX_TOTAL_GTID_LENGTH = 1 << 20;

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

	private static final Pattern SHARD = Pattern.compile("[A-Za-z0-9_-]{0,64}");

	/**
	 * One source of a MySQL GTID set ({@code <uuid>:<interval>[:<interval>...]}); a set
	 * is such sources separated by commas. Matched one element at a time: a pattern that
	 * repeats a group over a whole set of thousands of entries recurses once per entry
	 * and overflows the stack.
	 */
	private static final Pattern MYSQL56_SOURCE = Pattern.compile("\\s*+[0-9A-Za-z_-]++(?::\\d++(?:-\\d++)?)++\\s*+");

	/** One domain of a MariaDB GTID set ({@code <domain>-<server>-<sequence>}). */
	private static final Pattern MARIADB_DOMAIN = Pattern.compile("\\s*+\\d++-\\d++-\\d++\\s*+");

	private static final Pattern FILE_POS = Pattern.compile("[A-Za-z0-9_.-]+:\\d+");

	private PositionSyntax() {
	}

	/**
	 * Check a position.
	 * @param vgtid the position
	 * @throws IllegalArgumentException naming what is wrong
	 */
	static void check(VGtid vgtid) {
		if (vgtid.getShardGtidsCount() > MAX_SHARDS) {
			throw new IllegalArgumentException(
					"it has " + vgtid.getShardGtidsCount() + " shard positions, more than " + MAX_SHARDS);
		}
		long total = 0;
		Set<String> shards = new HashSet<>();
		for (ShardGtid shard : vgtid.getShardGtidsList()) {
			if (!NAME.matcher(shard.getKeyspace()).matches()) {
				throw new IllegalArgumentException(
						"keyspace name " + quoted(shard.getKeyspace()) + " is not 1 to 64 letters, digits, '_' or '-'");
			}
			if (!SHARD.matcher(shard.getShard()).matches()) {
				throw new IllegalArgumentException("shard name " + quoted(shard.getShard()) + " of keyspace "
						+ shard.getKeyspace() + " is not up to 64 letters, digits, '_' or '-'");
			}
			if (!shards.add(shard.getKeyspace() + "/" + shard.getShard())) {
				throw new IllegalArgumentException(
						"it names shard " + shard.getKeyspace() + "/" + shard.getShard() + " more than once");
			}
			checkGtid(shard);
			total += shard.getGtid().length();
		}
		checkTotal(total);
	}

	/**
	 * Check the length of a position's GTID sets together.
	 * @param total the sum of their lengths
	 * @throws IllegalArgumentException when it is over the limit
	 */
	static void checkTotal(long total) {
		if (total > MAX_TOTAL_GTID_LENGTH) {
			throw new IllegalArgumentException(
					"its GTID sets are " + total + " characters long together, more than " + MAX_TOTAL_GTID_LENGTH);
		}
	}

	private static void checkGtid(ShardGtid shard) {
		String gtid = shard.getGtid();
		if (gtid.isEmpty() || gtid.equals("current")) {
			return;
		}
		if (gtid.length() > MAX_GTID_LENGTH) {
			throw new IllegalArgumentException("the GTID set of " + shard.getKeyspace() + "/" + shard.getShard()
					+ " is " + gtid.length() + " characters long, more than " + MAX_GTID_LENGTH);
		}
		int slash = gtid.indexOf('/');
		String flavor = (slash > 0) ? gtid.substring(0, slash) : "";
		String set = gtid.substring(slash + 1);
		boolean valid = switch (flavor) {
			case "MySQL56" -> set.isEmpty() || eachMatches(set, MYSQL56_SOURCE);
			case "MariaDB" -> set.isEmpty() || eachMatches(set, MARIADB_DOMAIN);
			case "FilePos" -> FILE_POS.matcher(set).matches();
			default -> false;
		};
		if (!valid) {
			throw new IllegalArgumentException("the GTID set of " + shard.getKeyspace() + "/" + shard.getShard() + " "
					+ quoted(gtid) + " is not 'current', empty (copy), MySQL56/<source>:<interval>..., "
					+ "MariaDB/<domain>-<server>-<sequence>... or FilePos/<file>:<position>");
		}
	}

	/**
	 * Whether every comma-separated element of a set matches (blanks around it included).
	 */
	private static boolean eachMatches(String set, Pattern element) {
		Matcher matcher = element.matcher(set);
		int start = 0;
		while (true) {
			int comma = set.indexOf(',', start);
			int end = (comma < 0) ? set.length() : comma;
			if (!matcher.region(start, end).matches()) {
				return false;
			}
			if (comma < 0) {
				return true;
			}
			start = comma + 1;
		}
	}

	/** A value from outside, quoted for a message: control characters escaped, capped. */
	static String quoted(String value) {
		return "'" + LogSafeText.of(value, 80) + "'";
	}

}
