package dev.vstream.benchmarks.stream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import binlogdata.Binlogdata.FieldEvent;
import binlogdata.Binlogdata.RowChange;
import binlogdata.Binlogdata.RowEvent;
import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.TableLastPK;
import binlogdata.Binlogdata.VEvent;
import binlogdata.Binlogdata.VEventType;
import binlogdata.Binlogdata.VGtid;
import com.google.protobuf.ByteString;
import io.vitess.proto.Query;
import io.vitess.proto.Query.Type;
import io.vitess.proto.Vtgate.VStreamResponse;

/**
 * The stream the synthetic vtgate serves: a realistic 10-column order table (BIGINT, INT,
 * VARCHAR, DECIMAL, DATETIME, TIMESTAMP, JSON) in keyspace {@value #KEYSPACE}, shard
 * {@value #SHARD} (or several shards), one transaction per response as vtgate sends them
 * when it is not batching: {@code BEGIN, ROW(n row changes), VGTID, COMMIT}, with the
 * table's FIELD event in the first transaction of every shard.
 *
 * <p>
 * A stream of several shards takes its transactions from the shards in turn, and each
 * VGTID lists every shard of the stream with its own GTID set, as vtgate's does.
 *
 * <p>
 * A cycle of responses is built once per transaction size, so serving costs the server
 * only copying bytes; the consumers must still parse every byte of every response.
 */
public final class SyntheticStream {

	/** The keyspace of the synthetic table. */
	public static final String KEYSPACE = "bench";

	/** The one shard of the keyspace. */
	public static final String SHARD = "0";

	/** The table's name (vtgate qualifies it with the keyspace on the wire). */
	public static final String TABLE = "orders";

	/** Rows per cycle of pre-built responses (ids and positions repeat after it). */
	static final int CYCLE_ROWS = 60_000;

	private static final String SOURCE_UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

	private final int transactionSize;

	private final boolean copy;

	private final List<String> shards;

	/** The indexes of the columns sent, in the order sent; {@code null} for all. */
	private final int[] columns;

	/** The first transaction of each shard, with its FIELD event. */
	private final List<byte[]> firstBytes;

	private final List<byte[]> cycleBytes;

	/**
	 * Build the responses of shard {@value #SHARD} for one transaction size.
	 * @param transactionSize rows per transaction
	 * @param copy whether to look like vtgate's copy phase (no commit times, VGTIDs with
	 * the table's last primary key)
	 */
	public SyntheticStream(int transactionSize, boolean copy) {
		this(transactionSize, copy, List.of(SHARD), CYCLE_ROWS);
	}

	/**
	 * Build the responses of a stream of several shards of {@value #KEYSPACE}.
	 * @param transactionSize rows per transaction
	 * @param copy whether to look like vtgate's copy phase
	 * @param shards the shards the stream covers; transactions come from each in turn
	 * @param cycleRows rows after which the responses repeat
	 */
	public SyntheticStream(int transactionSize, boolean copy, List<String> shards, int cycleRows) {
		this(transactionSize, copy, shards, cycleRows, null);
	}

	/**
	 * Build the responses of a stream that sends some columns only, as vtgate does for a
	 * rule's {@code select <columns> from ...}.
	 * @param transactionSize rows per transaction
	 * @param copy whether to look like vtgate's copy phase
	 * @param shards the shards the stream covers
	 * @param cycleRows rows after which the responses repeat
	 * @param columns indexes (in {@link #fields()}) of the columns sent, in the order
	 * sent; {@code null} for every column
	 */
	public SyntheticStream(int transactionSize, boolean copy, List<String> shards, int cycleRows, int[] columns) {
		this.transactionSize = transactionSize;
		this.copy = copy;
		this.shards = List.copyOf(shards);
		this.columns = columns;
		int n = shards.size();
		// A whole number of rounds over the shards, so that the cycle repeats cleanly.
		int transactions = Math.max(1, cycleRows / transactionSize / n) * n;
		long[] sequences = new long[n];
		Arrays.fill(sequences, 1000);
		List<byte[]> cycle = new ArrayList<>(transactions);
		List<byte[]> first = new ArrayList<>(n);
		long id = 1;
		for (int t = 0; t < transactions; t++) {
			sequences[t % n]++;
			// Serialized once: the server then only copies bytes to the transport.
			cycle.add(response(t, id, false, sequences));
			if (t < n) {
				first.add(response(t, id, true, sequences));
			}
			id += transactionSize;
		}
		this.cycleBytes = cycle;
		this.firstBytes = first;
	}

	private byte[] response(int t, long firstId, boolean withFields, long[] sequences) {
		return VStreamResponse.newBuilder()
			.addAllEvents(transaction(t, firstId, withFields, sequences))
			.build()
			.toByteArray();
	}

	/**
	 * Vitess's names for {@code n} equal key ranges: {@value #SHARD} for one, else
	 * {@code -10, 10-20, ..., f0-} (for 16).
	 * @param n how many shards, 1 to 256
	 * @return the shard names
	 */
	public static List<String> shardNames(int n) {
		if (n < 1 || n > 256) {
			throw new IllegalArgumentException("shards must be 1 to 256, not " + n);
		}
		if (n == 1) {
			return List.of(SHARD);
		}
		List<String> names = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			String from = (i == 0) ? "" : String.format("%02x", i * 256 / n);
			String to = (i == n - 1) ? "" : String.format("%02x", (i + 1) * 256 / n);
			names.add(from + "-" + to);
		}
		return names;
	}

	/**
	 * The serialized response carrying the given transaction of a stream.
	 * @param n the transaction's index in the stream, from 0
	 * @return the response's bytes
	 */
	public byte[] responseBytes(long n) {
		return (n < this.firstBytes.size()) ? this.firstBytes.get((int) n)
				: this.cycleBytes.get((int) (n % this.cycleBytes.size()));
	}

	/**
	 * @return the shards the stream covers
	 */
	public List<String> shards() {
		return this.shards;
	}

	/**
	 * @return rows per transaction
	 */
	public int transactionSize() {
		return this.transactionSize;
	}

	/**
	 * @return the end of a copy: COPY_COMPLETED for each shard, then for the whole stream
	 */
	public VStreamResponse copyCompleted() {
		VStreamResponse.Builder response = VStreamResponse.newBuilder();
		for (String shard : this.shards) {
			response.addEvents(
					VEvent.newBuilder().setType(VEventType.COPY_COMPLETED).setKeyspace(KEYSPACE).setShard(shard));
		}
		return response.addEvents(VEvent.newBuilder().setType(VEventType.COPY_COMPLETED)).build();
	}

	/**
	 * @return vtgate's heartbeat, sent while the stream has nothing else to say
	 */
	public static VStreamResponse heartbeat() {
		return VStreamResponse.newBuilder()
			.addEvents(
					VEvent.newBuilder().setType(VEventType.HEARTBEAT).setTimestamp(System.currentTimeMillis() / 1000))
			.build();
	}

	/**
	 * @return the table's columns as vtgate describes them
	 */
	public static List<Query.Field> fields() {
		return List.of(field("id", Type.INT64, "bigint(20)", PRI_KEY | NOT_NULL),
				field("customer_id", Type.INT64, "bigint(20)", NOT_NULL),
				field("quantity", Type.INT32, "int(11)", NOT_NULL), field("sku", Type.VARCHAR, "varchar(64)", NOT_NULL),
				field("status", Type.VARCHAR, "varchar(16)", NOT_NULL), field("email", Type.VARCHAR, "varchar(128)", 0),
				field("price", Type.DECIMAL, "decimal(10,2)", NOT_NULL),
				field("created_at", Type.DATETIME, "datetime", NOT_NULL),
				field("updated_at", Type.TIMESTAMP, "timestamp", 0), field("attrs", Type.JSON, "json", 0));
	}

	/**
	 * The text values of one row, as vtgate encodes them.
	 * @param id the row's id
	 * @return the ten values
	 */
	public static String[] values(long id) {
		long customer = 1 + (id * 7919) % 100_000;
		int second = (int) (id % 60);
		return new String[] { Long.toString(id), Long.toString(customer), Integer.toString(1 + (int) (id % 9)),
				"SKU-" + (100_000 + id % 900_000), STATUSES[(int) (id % STATUSES.length)],
				"customer" + customer + "@example.com", (id % 100_000) + "." + (10 + id % 90),
				String.format("2026-11-24 18:%02d:%02d", (id / 60) % 60, second),
				String.format("2026-11-24 19:%02d:%02d", (id / 60) % 60, second),
				"{\"channel\": \"web\", \"gift\": " + (id % 2 == 0) + ", \"items\": [" + (id % 5) + ", 2, 3]}" };
	}

	private static final String[] STATUSES = { "new", "paid", "shipped", "delivered" };

	private static final int NOT_NULL = 1;

	private static final int PRI_KEY = 1 << 1;

	private List<VEvent> transaction(int t, long firstId, boolean withFields, long[] sequences) {
		long timestamp = 1_795_000_000L + t;
		String shard = this.shards.get(t % this.shards.size());
		List<VEvent> events = new ArrayList<>(5);
		events.add(VEvent.newBuilder().setType(VEventType.BEGIN).setTimestamp(this.copy ? 0 : timestamp).build());
		if (withFields) {
			events.add(VEvent.newBuilder()
				.setType(VEventType.FIELD)
				.setKeyspace(KEYSPACE)
				.setShard(shard)
				.setFieldEvent(FieldEvent.newBuilder()
					.setTableName(KEYSPACE + "." + TABLE)
					.setKeyspace(KEYSPACE)
					.setShard(shard)
					.setEnumSetStringValues(true)
					.addAllFields(project(fields())))
				.build());
		}
		RowEvent.Builder rows = RowEvent.newBuilder()
			.setTableName(KEYSPACE + "." + TABLE)
			.setKeyspace(KEYSPACE)
			.setShard(shard);
		for (int i = 0; i < this.transactionSize; i++) {
			rows.addRowChanges(RowChange.newBuilder().setAfter(row(project(values(firstId + i)))));
		}
		events.add(VEvent.newBuilder()
			.setType(VEventType.ROW)
			.setTimestamp(this.copy ? 0 : timestamp)
			.setKeyspace(KEYSPACE)
			.setShard(shard)
			.setRowEvent(rows)
			.build());
		VGtid.Builder vgtid = VGtid.newBuilder();
		for (int s = 0; s < this.shards.size(); s++) {
			// Each shard is its own MySQL server: its own source UUID.
			String uuid = (s == 0) ? SOURCE_UUID : SOURCE_UUID.substring(0, 24) + String.format("%012x", s);
			ShardGtid.Builder gtid = ShardGtid.newBuilder()
				.setKeyspace(KEYSPACE)
				.setShard(this.shards.get(s))
				.setGtid("MySQL56/" + uuid + ":1-" + sequences[s]);
			if (this.copy) {
				long lastId = firstId + this.transactionSize - 1;
				gtid.addTablePKs(TableLastPK.newBuilder()
					.setTableName(TABLE)
					.setLastpk(Query.QueryResult.newBuilder()
						.addFields(fields().get(0))
						.addRows(row(new String[] { Long.toString(lastId) }))));
			}
			vgtid.addShardGtids(gtid);
		}
		events.add(VEvent.newBuilder().setType(VEventType.VGTID).setVgtid(vgtid).build());
		events.add(VEvent.newBuilder().setType(VEventType.COMMIT).setTimestamp(this.copy ? 0 : timestamp).build());
		return events;
	}

	private List<Query.Field> project(List<Query.Field> all) {
		if (this.columns == null) {
			return all;
		}
		List<Query.Field> sent = new ArrayList<>(this.columns.length);
		for (int column : this.columns) {
			sent.add(all.get(column));
		}
		return sent;
	}

	private String[] project(String[] all) {
		if (this.columns == null) {
			return all;
		}
		String[] sent = new String[this.columns.length];
		for (int i = 0; i < sent.length; i++) {
			sent[i] = all[this.columns[i]];
		}
		return sent;
	}

	/**
	 * The columns a rule's filter selects ({@code select `id`, `status` from `orders`},
	 * as the starter projects), as indexes in {@link #fields()}.
	 * @param filter the rule's filter
	 * @return the indexes in the order selected, {@code null} for every column (or a
	 * filter this does not read)
	 */
	public static int[] columnsOf(String filter) {
		String sql = filter.trim().toLowerCase(Locale.ROOT);
		int from = sql.indexOf(" from ");
		if (!sql.startsWith("select ") || from < 0) {
			return null;
		}
		String list = sql.substring("select ".length(), from).trim();
		if (list.equals("*")) {
			return null;
		}
		List<String> names = fields().stream().map(Query.Field::getName).toList();
		String[] selected = list.split(",");
		int[] columns = new int[selected.length];
		for (int i = 0; i < selected.length; i++) {
			columns[i] = names.indexOf(selected[i].replace("`", "").trim());
			if (columns[i] < 0) {
				return null;
			}
		}
		boolean all = columns.length == names.size();
		for (int i = 0; all && i < columns.length; i++) {
			all = columns[i] == i;
		}
		return all ? null : columns;
	}

	private static Query.Field field(String name, Type type, String columnType, int flags) {
		return Query.Field.newBuilder()
			.setName(name)
			.setType(type)
			.setTable(TABLE)
			.setOrgTable(TABLE)
			.setDatabase("vt_" + KEYSPACE + "_" + SHARD)
			.setOrgName(name)
			.setColumnType(columnType)
			.setFlags(flags)
			.setCharset(type == Type.VARCHAR || type == Type.JSON ? 255 : 63)
			.build();
	}

	/**
	 * Encode a row as vtgate does: the values' bytes one after the other, with their
	 * lengths.
	 * @param values the text values, {@code null} for SQL NULL
	 * @return the row
	 */
	public static Query.Row row(String[] values) {
		Query.Row.Builder row = Query.Row.newBuilder();
		StringBuilder text = new StringBuilder();
		for (String value : values) {
			if (value == null) {
				row.addLengths(-1);
				continue;
			}
			row.addLengths(value.getBytes(StandardCharsets.UTF_8).length);
			text.append(value);
		}
		return row.setValues(ByteString.copyFromUtf8(text.toString())).build();
	}

}
