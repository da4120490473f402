package dev.vstream.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * A GTID set as vttablet compares them when a stream starts ({@code AtLeast}): MariaDB
 * ({@code MariaDB/0-1-42,1-2-7}: one sequence number per replication domain, the server
 * id does not count) and MySQL ({@code MySQL56/<uuid>:1-42:50-60,<uuid>:1-7}: intervals
 * per source uuid). Positions of other flavors (file positions) are not parsed.
 */
final class GtidSet {

	/** The flavor prefix of MariaDB positions in a VGtid. */
	static final String MARIADB = "MariaDB";

	/** The flavor prefix of MySQL 5.6+ positions in a VGtid. */
	static final String MYSQL56 = "MySQL56";

	private final String flavor;

	/**
	 * MariaDB: domain to highest sequence number; MySQL: uuid to sorted, merged
	 * intervals.
	 */
	private final Map<String, List<long[]>> ranges;

	private final String text;

	private GtidSet(String flavor, Map<String, List<long[]>> ranges, String text) {
		this.flavor = flavor;
		this.ranges = ranges;
		this.text = text;
	}

	/**
	 * Parse a position as it appears in a VGtid ({@code <flavor>/<set>}).
	 * @param position the position
	 * @return the set, or {@code null} for another flavor
	 * @throws IllegalArgumentException when the set is not well-formed
	 */
	static @Nullable GtidSet parse(String position) {
		int slash = position.indexOf('/');
		if (slash < 0) {
			return null;
		}
		String flavor = position.substring(0, slash);
		if (!flavor.equals(MARIADB) && !flavor.equals(MYSQL56)) {
			return null;
		}
		return parse(flavor, position.substring(slash + 1));
	}

	/**
	 * Parse a set as the server shows it ({@code @@gtid_binlog_pos},
	 * {@code @@gtid_executed}).
	 * @param flavor {@link #MARIADB} or {@link #MYSQL56}
	 * @param set the set, whitespace and line breaks allowed
	 * @return the set
	 * @throws IllegalArgumentException when the set is not well-formed
	 */
	static GtidSet parse(String flavor, String set) {
		Map<String, List<long[]>> ranges = new TreeMap<>();
		String compact = set.replaceAll("\\s", "");
		try {
			for (String part : compact.split(",")) {
				if (part.isEmpty()) {
					continue;
				}
				if (flavor.equals(MARIADB)) {
					String[] fields = part.split("-");
					if (fields.length != 3) {
						throw new IllegalArgumentException("not domain-server-sequence: " + part);
					}
					long sequence = Long.parseUnsignedLong(fields[2]);
					ranges.merge(fields[0], List.of(new long[] { 0, sequence }),
							(a, b) -> (a.get(0)[1] >= b.get(0)[1]) ? a : b);
				}
				else {
					addMySqlPart(ranges, part);
				}
			}
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("Not a " + flavor + " GTID set: '" + set + "'", ex);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("Not a " + flavor + " GTID set: '" + set + "' (" + ex.getMessage() + ")",
					ex);
		}
		ranges.replaceAll((source, intervals) -> merged(intervals));
		return new GtidSet(flavor, ranges, compact);
	}

	private static void addMySqlPart(Map<String, List<long[]>> ranges, String part) {
		String[] fields = part.split(":");
		if (fields.length < 2 || fields[0].isEmpty()) {
			throw new IllegalArgumentException("not uuid:interval: " + part);
		}
		List<long[]> intervals = ranges.computeIfAbsent(fields[0].toLowerCase(Locale.ROOT), (k) -> new ArrayList<>());
		for (int i = 1; i < fields.length; i++) {
			int dash = fields[i].indexOf('-');
			long start = Long.parseUnsignedLong((dash < 0) ? fields[i] : fields[i].substring(0, dash));
			long end = (dash < 0) ? start : Long.parseUnsignedLong(fields[i].substring(dash + 1));
			if (end < start) {
				throw new IllegalArgumentException("empty interval " + fields[i]);
			}
			intervals.add(new long[] { start, end });
		}
	}

	/** Sorted, with overlapping and adjacent intervals joined (1-5:6-9 is 1-9). */
	private static List<long[]> merged(List<long[]> intervals) {
		List<long[]> sorted = new ArrayList<>(intervals);
		sorted.sort((a, b) -> Long.compare(a[0], b[0]));
		List<long[]> merged = new ArrayList<>();
		for (long[] interval : sorted) {
			long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
			if (last != null && interval[0] <= last[1] + 1) {
				last[1] = Math.max(last[1], interval[1]);
			}
			else {
				merged.add(new long[] { interval[0], interval[1] });
			}
		}
		return merged;
	}

	/**
	 * @return {@link #MARIADB} or {@link #MYSQL56}
	 */
	String flavor() {
		return this.flavor;
	}

	/**
	 * Whether a server at this position can stream from the other one: every transaction
	 * of {@code other} is in this set (MariaDB: each of its domains is here with at least
	 * its sequence number).
	 * @param other the requested position
	 * @return whether this set contains it; {@code false} for sets of different flavors
	 */
	boolean contains(GtidSet other) {
		if (!this.flavor.equals(other.flavor)) {
			return false;
		}
		for (Map.Entry<String, List<long[]>> entry : other.ranges.entrySet()) {
			List<long[]> mine = this.ranges.get(entry.getKey());
			for (long[] wanted : entry.getValue()) {
				if (mine == null || !covers(mine, wanted)) {
					return false;
				}
			}
		}
		return true;
	}

	private boolean covers(List<long[]> mine, long[] wanted) {
		for (long[] interval : mine) {
			// MariaDB keeps only the highest sequence number of a domain: any lower one
			// is behind it.
			long start = this.flavor.equals(MARIADB) ? 0 : interval[0];
			if (start <= wanted[0] && interval[1] >= wanted[1]) {
				return true;
			}
		}
		return false;
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof GtidSet that) && contains(that) && that.contains(this);
	}

	@Override
	public int hashCode() {
		return this.flavor.hashCode();
	}

	/**
	 * @return the position as vtgate writes it, {@code <flavor>/<set>}
	 */
	@Override
	public String toString() {
		return this.flavor + "/" + this.text;
	}

}
