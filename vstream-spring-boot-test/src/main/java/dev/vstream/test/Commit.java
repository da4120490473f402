package dev.vstream.test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a change pushed to a {@link TestVtgate} was committed: a shard and the GTID set
 * it reached. A stream has handled the change once its position on that shard includes
 * the GTID set ({@link VStreamTestUtils#awaitHandled}).
 *
 * @param keyspace the keyspace
 * @param shard the shard
 * @param gtid the shard's GTID set after the change, as vtgate sends it
 * ({@code MySQL56/<source>:1-<n>})
 */
public record Commit(String keyspace, String shard, String gtid) {

	static final String SOURCE = "MySQL56/5e4e4f8e-0000-4000-8000-00000000f00d";

	private static final Pattern TRANSACTIONS = Pattern.compile(Pattern.quote(SOURCE) + ":1-(\\d+)");

	/**
	 * Whether a shard position (a GTID set as the stream holds it) includes this commit.
	 * @param otherGtid the GTID set of the same shard, as a stream reports it
	 * @return {@code true} when it includes this commit
	 */
	public boolean isIncludedIn(String otherGtid) {
		long other = transactions(otherGtid);
		return other >= 0 && other >= transactions(this.gtid);
	}

	/**
	 * @param transactions how many transactions the test pushed to the shard
	 * @return its GTID set (which starts with one transaction, the schema's)
	 */
	static String gtid(long transactions) {
		return SOURCE + ":1-" + (transactions + 1);
	}

	/**
	 * @param gtid a GTID set of a test vtgate
	 * @return how many transactions the test pushed up to it, {@code -1} when the set is
	 * not one of a test vtgate ({@code current}, empty, or another server's)
	 */
	static long transactions(String gtid) {
		Matcher matcher = TRANSACTIONS.matcher(gtid);
		return matcher.matches() ? Long.parseLong(matcher.group(1)) - 1 : -1;
	}

	@Override
	public String toString() {
		return this.keyspace + "/" + this.shard + "@" + this.gtid;
	}

}
