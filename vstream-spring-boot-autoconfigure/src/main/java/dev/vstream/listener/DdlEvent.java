package dev.vstream.listener;

import java.time.Instant;

import dev.vstream.position.StreamPosition;
import org.jspecify.annotations.Nullable;

/**
 * A schema change (DDL) Vitess streamed: any DDL of a streamed keyspace's shard, whatever
 * table it touches (Vitess does not filter DDL by table). Rows written after it arrive
 * with a new FIELD event and are mapped with the new columns.
 *
 * @param statement the DDL statement as executed
 * @param keyspace the keyspace
 * @param shard the shard it was applied to (once per shard in a sharded keyspace)
 * @param position the stream position reached once the DDL is handled (vtgate sends the
 * DDL's VGTID just before it); {@code null} if vtgate sent none on this connection
 * @param commitTime when the DDL was written to the binary log (second precision)
 */
public record DdlEvent(String statement, String keyspace, String shard, @Nullable StreamPosition position,
		@Nullable Instant commitTime) {
}
