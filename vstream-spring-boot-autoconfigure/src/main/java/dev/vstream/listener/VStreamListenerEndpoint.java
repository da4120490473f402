package dev.vstream.listener;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A registered listener: which changes it wants and the method that handles them.
 */
public final class VStreamListenerEndpoint {

	private final String id;

	private final String keyspace;

	private final String table;

	private final Set<Operation> operations;

	private final boolean autoStartup;

	private final ListenerMethodAdapter adapter;

	private ErrorRecovery errorRecovery = ErrorRecovery.DEFAULT;

	private @Nullable BatchPolicy batchPolicy;

	private volatile boolean running;

	private @Nullable RowCondition where;

	private List<String> columns = List.of();

	private String stream = "";

	private final ListenerStatistics statistics = new ListenerStatistics();

	/**
	 * Create an endpoint.
	 * @param id unique listener id
	 * @param keyspace the keyspace, empty for the stream's default
	 * @param table the table name
	 * @param operations the operations delivered, all when empty
	 * @param autoStartup whether the listener is running when its stream starts
	 * @param adapter the method to call
	 */
	public VStreamListenerEndpoint(String id, String keyspace, String table, Set<Operation> operations,
			boolean autoStartup, ListenerMethodAdapter adapter) {
		this.id = id;
		this.keyspace = keyspace;
		this.table = table;
		this.operations = operations.isEmpty() ? EnumSet.allOf(Operation.class) : EnumSet.copyOf(operations);
		this.autoStartup = autoStartup;
		this.adapter = adapter;
		this.running = autoStartup;
	}

	/**
	 * @return the listener id
	 */
	public String getId() {
		return this.id;
	}

	/**
	 * @return the keyspace, empty for the stream's default keyspace
	 */
	public String getKeyspace() {
		return this.keyspace;
	}

	/**
	 * @return the table
	 */
	public String getTable() {
		return this.table;
	}

	/**
	 * @return the operations delivered
	 */
	public Set<Operation> getOperations() {
		return this.operations;
	}

	/**
	 * @return whether the listener runs when its stream starts
	 */
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	/**
	 * @return whether changes are currently delivered to this listener
	 */
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Start or stop delivering changes to this listener. A stopped listener's changes are
	 * not buffered: while it is stopped, its stream keeps going without it.
	 * @param running whether to deliver
	 */
	public void setRunning(boolean running) {
		this.running = running;
	}

	/**
	 * @return what happens to a change this listener could not handle, after retries
	 */
	public ErrorRecovery getErrorRecovery() {
		return this.errorRecovery;
	}

	/**
	 * Set what happens to a change this listener could not handle, after retries.
	 * @param errorRecovery the recovery, {@link ErrorRecovery#DEFAULT} for the stream's
	 */
	public void setErrorRecovery(ErrorRecovery errorRecovery) {
		this.errorRecovery = errorRecovery;
	}

	/**
	 * @return the id of the stream this listener belongs to, empty for the default stream
	 */
	public String getStream() {
		return this.stream;
	}

	/**
	 * Set the stream this listener belongs to.
	 * @param stream the stream id, empty for the default stream
	 */
	public void setStream(String stream) {
		this.stream = stream;
	}

	/**
	 * @return the condition rows must meet, {@code null} for all rows
	 */
	public @Nullable RowCondition getWhere() {
		return this.where;
	}

	/**
	 * Set the condition rows must meet; vtgate applies it when it can, see the README.
	 * @param where the condition, {@code null} for all rows
	 */
	public void setWhere(@Nullable RowCondition where) {
		this.where = where;
	}

	/**
	 * @return the columns asked of vtgate; empty for those of the row type (a record or
	 * bean) or all (a {@code Map})
	 */
	public List<String> getColumns() {
		return this.columns;
	}

	/**
	 * Set the columns asked of vtgate.
	 * @param columns the columns; empty for those of the row type, or all
	 */
	public void setColumns(List<String> columns) {
		this.columns = List.copyOf(columns);
	}

	/**
	 * @return when this batch listener is called, {@code null} for a listener of single
	 * changes or of whole transactions (one call per transaction)
	 */
	public @Nullable BatchPolicy getBatchPolicy() {
		return this.batchPolicy;
	}

	/**
	 * Make this listener of {@code List<RowChange<T>>} a batch listener, called with the
	 * changes of several transactions at once.
	 * @param batchPolicy when it is called, {@code null} for once per transaction
	 * @throws IllegalStateException when the method does not take a
	 * {@code List<RowChange<T>>}
	 */
	public void setBatchPolicy(@Nullable BatchPolicy batchPolicy) {
		if (batchPolicy != null && !this.adapter.isBatch()) {
			throw new IllegalStateException("Listener '" + this.id + "' has a batch size or interval but its method "
					+ this.adapter.getMethod().getName() + " does not take a List<RowChange<T>>");
		}
		this.batchPolicy = batchPolicy;
	}

	/**
	 * @return the counters of this listener's calls
	 */
	public ListenerStatistics getStatistics() {
		return this.statistics;
	}

	/**
	 * @return the method adapter
	 */
	public ListenerMethodAdapter getAdapter() {
		return this.adapter;
	}

	/**
	 * Whether this listener wants a change of the given operation.
	 * @param op the operation
	 * @return {@code true} when it should be called
	 */
	public boolean accepts(Operation op) {
		return this.running && this.operations.contains(op);
	}

	@Override
	public String toString() {
		return this.id + " (" + (this.keyspace.isEmpty() ? "" : this.keyspace + ".") + this.table + " "
				+ this.operations + ((this.where != null) ? " where " + this.where : "") + ")";
	}

}
