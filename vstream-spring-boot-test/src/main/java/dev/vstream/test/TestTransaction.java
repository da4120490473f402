package dev.vstream.test;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import binlogdata.Binlogdata.RowChange;
import org.jspecify.annotations.Nullable;

/**
 * The changes of one transaction on a {@link TestVtgate}, collected by
 * {@link TestVtgate#transaction}: rows inserted, updated and deleted in tables of one
 * keyspace (a VStream transaction belongs to one shard), sent to the stream together when
 * the transaction commits.
 */
public final class TestTransaction {

	private final List<Change> changes = new ArrayList<>();

	TestTransaction() {
	}

	/**
	 * Insert a row.
	 * @param table the table
	 * @param row the row, as a map or object
	 * @return this transaction
	 */
	public TestTransaction insert(TestTable table, Object row) {
		return add(table, RowChange.newBuilder().setAfter(table.row(row)).build());
	}

	/**
	 * Update a row.
	 * @param table the table
	 * @param before the row before, as a map or object
	 * @param after the row after, as a map or object
	 * @return this transaction
	 */
	public TestTransaction update(TestTable table, Object before, Object after) {
		return add(table, RowChange.newBuilder().setBefore(table.row(before)).setAfter(table.row(after)).build());
	}

	/**
	 * Delete a row.
	 * @param table the table
	 * @param row the row deleted, as a map or object
	 * @return this transaction
	 */
	public TestTransaction delete(TestTable table, Object row) {
		return add(table, RowChange.newBuilder().setBefore(table.row(row)).build());
	}

	private TestTransaction add(TestTable table, RowChange change) {
		String keyspace = keyspace();
		if (keyspace != null && !keyspace.equals(table.keyspace())) {
			throw new IllegalArgumentException("A transaction changes tables of one keyspace: this one changes "
					+ keyspace + ", not " + table.keyspace() + "." + table.name()
					+ "; push the other keyspace's changes in a transaction of their own");
		}
		this.changes.add(new Change(table, change));
		return this;
	}

	@Nullable String keyspace() {
		return this.changes.isEmpty() ? null : this.changes.get(0).table().keyspace();
	}

	List<Change> changes() {
		return this.changes;
	}

	Set<TestTable> tables() {
		Set<TestTable> tables = new LinkedHashSet<>();
		this.changes.forEach((change) -> tables.add(change.table()));
		return tables;
	}

	record Change(TestTable table, RowChange rowChange) {
	}

}
