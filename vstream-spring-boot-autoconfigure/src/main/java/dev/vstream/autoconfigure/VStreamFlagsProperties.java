package dev.vstream.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.util.unit.DataSize;

/**
 * The {@code VStreamFlags} of the request to vtgate that {@code vstream.*} does not set
 * elsewhere ({@code vstream.heartbeat-interval}, {@code vstream.stop-on-reshard} and
 * {@code vstream.tables-to-copy} are flags too), bound under {@code vstream.flags}.
 */
public class VStreamFlagsProperties {

	/**
	 * Whether vtgate holds back shards that are ahead of the others (minimize_skew), so
	 * that the changes of different shards arrive close to their commit-time order. Only
	 * among the keyspaces of one VStream call (see the README's Filters section).
	 */
	private boolean minimizeSkew = false;

	/**
	 * Cells vtgate picks source tablets from (cells); empty for vtgate's own cell.
	 */
	private List<String> cells = new ArrayList<>();

	/**
	 * How vtgate's tablet picker uses the cells (cell_preference):
	 * 'prefer-local-with-alias' (vtgate's cell first, then its alias and the listed
	 * cells) or 'only-specified' (only the listed cells).
	 */
	private CellPreference cellPreference = CellPreference.PREFER_LOCAL_WITH_ALIAS;

	/**
	 * Order in which vtgate's tablet picker considers the tablet types (tablet_order):
	 * 'any' or 'in-order'.
	 */
	private TabletOrder tabletOrder = TabletOrder.ANY;

	/**
	 * Whether vtgate also streams the rows of each keyspace's sidecar heartbeat table
	 * (stream_keyspace_heartbeats): a change on every shard at the tablets' heartbeat
	 * interval, which moves the position of idle shards. The stream skips these rows.
	 */
	private boolean streamKeyspaceHeartbeats = false;

	/**
	 * Whether vtgate sends reshard journals also to a stream that follows reshards
	 * (include_reshard_journal_events); the stream logs them.
	 */
	private boolean includeReshardJournalEvents = false;

	/**
	 * Whether vtgate leaves table names as the tablets send them
	 * (exclude_keyspace_from_table_name) instead of copying every FIELD and ROW event to
	 * prefix the keyspace; the stream takes the keyspace from the event either way. Off
	 * by default: vtgate then sends the tablets' own events, which crashed vtcombo
	 * (vtgate and tablets in one process, as vttestserver runs them) in the copy phase.
	 */
	private boolean excludeKeyspaceFromTableName = false;

	/**
	 * Size from which vtgate sends a transaction in chunks while holding back the other
	 * shards' events (transaction_chunk_size, Vitess 24 and later; older vtgates ignore
	 * it); 0B for vtgate's default. vtgate ignores it with minimize-skew.
	 */
	private DataSize transactionChunkSize = DataSize.ofBytes(0);

	public boolean isMinimizeSkew() {
		return this.minimizeSkew;
	}

	public void setMinimizeSkew(boolean minimizeSkew) {
		this.minimizeSkew = minimizeSkew;
	}

	public List<String> getCells() {
		return this.cells;
	}

	public void setCells(List<String> cells) {
		this.cells = cells;
	}

	public CellPreference getCellPreference() {
		return this.cellPreference;
	}

	public void setCellPreference(CellPreference cellPreference) {
		this.cellPreference = cellPreference;
	}

	public TabletOrder getTabletOrder() {
		return this.tabletOrder;
	}

	public void setTabletOrder(TabletOrder tabletOrder) {
		this.tabletOrder = tabletOrder;
	}

	public boolean isStreamKeyspaceHeartbeats() {
		return this.streamKeyspaceHeartbeats;
	}

	public void setStreamKeyspaceHeartbeats(boolean streamKeyspaceHeartbeats) {
		this.streamKeyspaceHeartbeats = streamKeyspaceHeartbeats;
	}

	public boolean isIncludeReshardJournalEvents() {
		return this.includeReshardJournalEvents;
	}

	public void setIncludeReshardJournalEvents(boolean includeReshardJournalEvents) {
		this.includeReshardJournalEvents = includeReshardJournalEvents;
	}

	public boolean isExcludeKeyspaceFromTableName() {
		return this.excludeKeyspaceFromTableName;
	}

	public void setExcludeKeyspaceFromTableName(boolean excludeKeyspaceFromTableName) {
		this.excludeKeyspaceFromTableName = excludeKeyspaceFromTableName;
	}

	public DataSize getTransactionChunkSize() {
		return this.transactionChunkSize;
	}

	public void setTransactionChunkSize(DataSize transactionChunkSize) {
		this.transactionChunkSize = transactionChunkSize;
	}

	/**
	 * vtgate's tablet picker cell preferences.
	 */
	public enum CellPreference {

		/**
		 * vtgate's cell first, then its alias and the listed cells (vtgate's default).
		 */
		PREFER_LOCAL_WITH_ALIAS(""),

		/** Only the listed cells. */
		ONLY_SPECIFIED("OnlySpecified");

		private final String value;

		CellPreference(String value) {
			this.value = value;
		}

		/**
		 * @return the value of the flag; empty for vtgate's default
		 */
		public String value() {
			return this.value;
		}

	}

	/**
	 * vtgate's tablet picker orders.
	 */
	public enum TabletOrder {

		/** Every tablet type alike (vtgate's default). */
		ANY(""),

		/** The tablet types in the order given. */
		IN_ORDER("InOrder");

		private final String value;

		TabletOrder(String value) {
			this.value = value;
		}

		/**
		 * @return the value of the flag; empty for vtgate's default
		 */
		public String value() {
			return this.value;
		}

	}

}
