package dev.vstream.position;

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

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

	private static final Pattern SHARD = Pattern.compile("[A-Za-z0-9_-]{0,64}");

	private static final Pattern MYSQL56 = Pattern
		.compile("[0-9A-Za-z_-]+(:\\d+(-\\d+)?)+(\\s*,\\s*[0-9A-Za-z_-]+(:\\d+(-\\d+)?)+)*");

	private static final Pattern MARIADB = Pattern.compile("\\d+-\\d+-\\d+(\\s*,\\s*\\d+-\\d+-\\d+)*");

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
		for (ShardGtid shard : vgtid.getShardGtidsList()) {
			if (!NAME.matcher(shard.getKeyspace()).matches()) {
				throw new IllegalArgumentException(
						"keyspace name " + quoted(shard.getKeyspace()) + " is not 1 to 64 letters, digits, '_' or '-'");
			}
			if (!SHARD.matcher(shard.getShard()).matches()) {
				throw new IllegalArgumentException("shard name " + quoted(shard.getShard()) + " of keyspace "
						+ shard.getKeyspace() + " is not up to 64 letters, digits, '_' or '-'");
			}
			checkGtid(shard);
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
			case "MySQL56" -> set.isEmpty() || MYSQL56.matcher(set).matches();
			case "MariaDB" -> set.isEmpty() || MARIADB.matcher(set).matches();
			case "FilePos" -> FILE_POS.matcher(set).matches();
			default -> false;
		};
		if (!valid) {
			throw new IllegalArgumentException("the GTID set of " + shard.getKeyspace() + "/" + shard.getShard() + " "
					+ quoted(gtid) + " is not 'current', empty (copy), MySQL56/<source>:<interval>..., "
					+ "MariaDB/<domain>-<server>-<sequence>... or FilePos/<file>:<position>");
		}
	}

	/** A value from outside, quoted for a message: control characters escaped, capped. */
	static String quoted(String value) {
		return "'" + LogSafeText.of(value, 80) + "'";
	}

}
