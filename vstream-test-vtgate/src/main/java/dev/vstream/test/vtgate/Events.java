package dev.vstream.test.vtgate;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import binlogdata.Binlogdata.FieldEvent;
import binlogdata.Binlogdata.Journal;
import binlogdata.Binlogdata.KeyspaceShard;
import binlogdata.Binlogdata.MigrationType;
import binlogdata.Binlogdata.RowChange;
import binlogdata.Binlogdata.RowEvent;
import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.TableLastPK;
import binlogdata.Binlogdata.VEvent;
import binlogdata.Binlogdata.VEventType;
import binlogdata.Binlogdata.VGtid;
import com.google.protobuf.ByteString;
import io.vitess.proto.Query;
import io.vitess.proto.Vtgate.VStreamResponse;

/**
 * Builders of the VEvents a vtgate sends, for scripting {@link ScriptedVtgate}, and of
 * the positions (VGtids) they lead to.
 */
public final class Events {

	public static final long TIMESTAMP = 1_763_000_000L;

	private Events() {
	}

	public static VStreamResponse response(VEvent... events) {
		return VStreamResponse.newBuilder().addAllEvents(Arrays.asList(events)).build();
	}

	public static VEvent begin() {
		return event(VEventType.BEGIN).build();
	}

	public static VEvent commit() {
		return event(VEventType.COMMIT).build();
	}

	public static VEvent heartbeat() {
		return event(VEventType.HEARTBEAT).build();
	}

	public static VEvent copyCompleted() {
		return VEvent.newBuilder().setType(VEventType.COPY_COMPLETED).build();
	}

	/**
	 * The corder table: order_id bigint, customer_id bigint, sku varchar, price decimal.
	 */
	public static VEvent corderFields(String keyspace, String shard) {
		return field(keyspace, shard, "corder", col("order_id", Query.Type.INT64), col("customer_id", Query.Type.INT64),
				col("sku", Query.Type.VARCHAR), col("price", Query.Type.DECIMAL));
	}

	public static Query.Field col(String name, Query.Type type) {
		return Query.Field.newBuilder().setName(name).setType(type).build();
	}

	public static VEvent field(String keyspace, String shard, String table, Query.Field... fields) {
		return event(VEventType.FIELD, keyspace, shard)
			.setFieldEvent(FieldEvent.newBuilder()
				.setTableName(keyspace + "." + table)
				.setKeyspace(keyspace)
				.setShard(shard)
				.addAllFields(Arrays.asList(fields)))
			.build();
	}

	/** A text-encoded row; {@code null} values become SQL NULL. */
	public static Query.Row row(Object... values) {
		Query.Row.Builder row = Query.Row.newBuilder();
		StringBuilder bytes = new StringBuilder();
		for (Object value : values) {
			if (value == null) {
				row.addLengths(-1);
			}
			else {
				byte[] text = value.toString().getBytes(StandardCharsets.UTF_8);
				row.addLengths(text.length);
				bytes.append(value);
			}
		}
		return row.setValues(ByteString.copyFromUtf8(bytes.toString())).build();
	}

	/**
	 * Order {@code orderId} as a row of corder: customer 7, sku {@code sku-<orderId>},
	 * price 1.00.
	 */
	public static Query.Row order(long orderId) {
		return row(orderId, 7, "sku-" + orderId, "1.00");
	}

	/**
	 * A transaction on commerce/0 that inserts {@link #order order} {@code orderId} and
	 * ends at GTID {@code MySQL56/a:1-<orderId>}.
	 */
	public static VStreamResponse transaction(long orderId) {
		return response(begin(), corderFields("commerce", "0"), insert("commerce", "0", "corder", order(orderId)),
				vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-" + orderId)), commit());
	}

	public static VEvent insert(String keyspace, String shard, String table, Query.Row after) {
		return rows(keyspace, shard, table, RowChange.newBuilder().setAfter(after).build());
	}

	public static VEvent update(String keyspace, String shard, String table, Query.Row before, Query.Row after) {
		return rows(keyspace, shard, table, RowChange.newBuilder().setBefore(before).setAfter(after).build());
	}

	public static VEvent delete(String keyspace, String shard, String table, Query.Row before) {
		return rows(keyspace, shard, table, RowChange.newBuilder().setBefore(before).build());
	}

	public static VEvent rows(String keyspace, String shard, String table, RowChange... changes) {
		return event(VEventType.ROW, keyspace, shard)
			.setRowEvent(RowEvent.newBuilder()
				.setTableName(keyspace + "." + table)
				.setKeyspace(keyspace)
				.setShard(shard)
				.addAllRowChanges(Arrays.asList(changes)))
			.build();
	}

	/**
	 * The position of one shard.
	 * @param copyingTables the tables whose copy phase is still under way on that shard
	 */
	public static VGtid vgtid(String keyspace, String shard, String gtid, String... copyingTables) {
		ShardGtid.Builder shardGtid = ShardGtid.newBuilder().setKeyspace(keyspace).setShard(shard).setGtid(gtid);
		for (String table : copyingTables) {
			shardGtid.addTablePKs(TableLastPK.newBuilder().setTableName(table));
		}
		return VGtid.newBuilder().addShardGtids(shardGtid).build();
	}

	public static VEvent vgtidEvent(VGtid vgtid) {
		return VEvent.newBuilder().setType(VEventType.VGTID).setVgtid(vgtid).build();
	}

	/**
	 * A position of keyspace {@code customer}: the first shard at {@code firstGtid}, the
	 * others at {@code otherGtid}.
	 */
	public static VGtid customerShards(String firstGtid, String otherGtid, String... shards) {
		VGtid.Builder vgtid = VGtid.newBuilder();
		for (int i = 0; i < shards.length; i++) {
			vgtid.addShardGtids(ShardGtid.newBuilder()
				.setKeyspace("customer")
				.setShard(shards[i])
				.setGtid((i == 0) ? firstGtid : otherGtid));
		}
		return vgtid.build();
	}

	/**
	 * A SHARDS journal as the participant {@code shard} writes it when -80,80- become
	 * four shards.
	 */
	public static VEvent journal(String keyspace, String shard) {
		Journal journal = Journal.newBuilder()
			.setId(7_342_318_817_526_331_455L)
			.setMigrationType(MigrationType.SHARDS)
			.setLocalPosition("MariaDB/0-1-11")
			.addAllShardGtids(customerShards("MariaDB/0-1-11", "MariaDB/0-1-11", "-40", "40-80", "80-c0", "c0-")
				.getShardGtidsList())
			.addParticipants(KeyspaceShard.newBuilder().setKeyspace(keyspace).setShard("-80"))
			.addParticipants(KeyspaceShard.newBuilder().setKeyspace(keyspace).setShard("80-"))
			.addSourceWorkflows("reshard")
			.build();
		return VEvent.newBuilder()
			.setType(VEventType.JOURNAL)
			.setKeyspace(keyspace)
			.setShard(shard)
			.setTimestamp(TIMESTAMP)
			.setJournal(journal)
			.build();
	}

	/**
	 * A SHARDS journal as the only participant {@code -80} writes it when it is split
	 * into -40,40-80 (80- stays).
	 */
	public static VEvent splitJournal(String keyspace) {
		Journal journal = Journal.newBuilder()
			.setId(7_342_318_817_526_331_456L)
			.setMigrationType(MigrationType.SHARDS)
			.setLocalPosition("MariaDB/0-1-11")
			.addAllShardGtids(customerShards("MariaDB/0-2-5", "MariaDB/0-3-6", "-40", "40-80").getShardGtidsList())
			.addParticipants(KeyspaceShard.newBuilder().setKeyspace(keyspace).setShard("-80"))
			.addSourceWorkflows("split")
			.build();
		return VEvent.newBuilder()
			.setType(VEventType.JOURNAL)
			.setKeyspace(keyspace)
			.setShard("-80")
			.setTimestamp(TIMESTAMP)
			.setJournal(journal)
			.build();
	}

	/**
	 * A heartbeat as vtgate sends it: the current time, in seconds and in nanoseconds.
	 */
	public static VEvent vtgateHeartbeat() {
		long now = System.currentTimeMillis() * 1_000_000L;
		return VEvent.newBuilder()
			.setType(VEventType.HEARTBEAT)
			.setTimestamp(now / 1_000_000_000L)
			.setCurrentTime(now)
			.build();
	}

	/**
	 * A position in the copy phase of corder, as vtgate folds the LASTPK into the VGTID.
	 */
	public static VGtid copying(String gtid, long lastOrderId) {
		Query.QueryResult lastPk = Query.QueryResult.newBuilder()
			.addFields(Query.Field.newBuilder()
				.setName("order_id")
				.setType(Query.Type.INT64)
				.setCharset(63)
				.setFlags(49667))
			.addRows(row(lastOrderId))
			.build();
		return VGtid.newBuilder()
			.addShardGtids(ShardGtid.newBuilder()
				.setKeyspace("commerce")
				.setShard("0")
				.setGtid(gtid)
				.addTablePKs(TableLastPK.newBuilder().setTableName("corder").setLastpk(lastPk)))
			.build();
	}

	/** A copied row: no binlog timestamp. */
	public static VEvent copied(long orderId) {
		return insert("commerce", "0", "corder", order(orderId)).toBuilder().setTimestamp(0).build();
	}

	/**
	 * The end of one shard's copy phase (the stream's own end has no keyspace and shard).
	 */
	public static VEvent shardCopyCompleted(String keyspace, String shard) {
		return VEvent.newBuilder().setType(VEventType.COPY_COMPLETED).setKeyspace(keyspace).setShard(shard).build();
	}

	/** A DDL on commerce/0. */
	public static VEvent ddl(String statement) {
		return VEvent.newBuilder()
			.setType(VEventType.DDL)
			.setKeyspace("commerce")
			.setShard("0")
			.setStatement(statement)
			.setTimestamp(TIMESTAMP)
			.build();
	}

	private static VEvent.Builder event(VEventType type) {
		return VEvent.newBuilder().setType(type).setTimestamp(TIMESTAMP);
	}

	private static VEvent.Builder event(VEventType type, String keyspace, String shard) {
		return event(type).setKeyspace(keyspace).setShard(shard);
	}

}
