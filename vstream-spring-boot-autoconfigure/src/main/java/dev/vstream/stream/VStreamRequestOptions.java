package dev.vstream.stream;

import java.util.List;

/**
 * What a stream asks vtgate for besides its position and filter: the {@code VStreamFlags}
 * that the {@link VStreamSettings} do not carry, and the {@link VStreamRequestCustomizer
 * customizers} applied last.
 *
 * @param minimizeSkew whether vtgate holds back shards that are ahead, so that the
 * shards' events arrive close to commit-time order
 * @param cells the cells vtgate picks source tablets from; empty for vtgate's own cell
 * @param cellPreference vtgate's tablet picker cell preference
 * ({@code PreferLocalWithAlias} or {@code OnlySpecified}); empty for vtgate's default
 * @param tabletOrder vtgate's tablet picker order ({@code Any} or {@code InOrder}); empty
 * for vtgate's default
 * @param streamKeyspaceHeartbeats whether vtgate also streams the rows of the keyspaces'
 * sidecar heartbeat table (the stream skips them)
 * @param includeReshardJournalEvents whether vtgate sends reshard journals also when the
 * stream follows reshards
 * @param excludeKeyspaceFromTableName whether vtgate leaves table names of FIELD and ROW
 * events as the tablets send them, instead of copying each event to prefix the keyspace
 * (the stream reads the keyspace from the event either way)
 * @param transactionChunkSize from which size in bytes vtgate sends a transaction in
 * chunks without interleaving other shards' events; zero for vtgate's default
 * @param customizers applied to the request last, in order
 */
public record VStreamRequestOptions(boolean minimizeSkew, List<String> cells, String cellPreference, String tabletOrder,
		boolean streamKeyspaceHeartbeats, boolean includeReshardJournalEvents, boolean excludeKeyspaceFromTableName,
		long transactionChunkSize, List<VStreamRequestCustomizer> customizers) {

	/**
	 * The options of a stream that sets none: vtgate's defaults.
	 */
	public static final VStreamRequestOptions DEFAULTS = new VStreamRequestOptions(false, List.of(), "", "", false,
			false, false, 0, List.of());

	public VStreamRequestOptions {
		cells = List.copyOf(cells);
		customizers = List.copyOf(customizers);
		if (transactionChunkSize < 0) {
			throw new IllegalArgumentException("transactionChunkSize must not be negative");
		}
	}

	/**
	 * These options with other customizers.
	 * @param customizers the customizers, applied in this order
	 * @return the options
	 */
	public VStreamRequestOptions withCustomizers(List<VStreamRequestCustomizer> customizers) {
		return new VStreamRequestOptions(this.minimizeSkew, this.cells, this.cellPreference, this.tabletOrder,
				this.streamKeyspaceHeartbeats, this.includeReshardJournalEvents, this.excludeKeyspaceFromTableName,
				this.transactionChunkSize, customizers);
	}

}
