package dev.vstream.benchmarks.stream;

import java.util.Iterator;
import java.util.concurrent.TimeUnit;

import binlogdata.Binlogdata.Filter;
import binlogdata.Binlogdata.RowChange;
import binlogdata.Binlogdata.Rule;
import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VEvent;
import binlogdata.Binlogdata.VEventType;
import binlogdata.Binlogdata.VGtid;
import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.vitess.proto.Query;
import io.vitess.proto.Topodata.TabletType;
import io.vitess.proto.Vtgate.VStreamRequest;
import io.vitess.proto.Vtgate.VStreamResponse;
import io.vitess.proto.grpc.VitessGrpc;

/**
 * The physical limit: a bare grpc-java loop that receives and parses every response and
 * reads every value of every row, with no mapping and no dispatch; responses are
 * requested {@code bench.ahead} (16) at a time and parsed on the transport thread
 * ({@link AheadIterator}), the fastest way found to take them off the wire. Child JVM of
 * the harness: {@code LimitConsumer host:port}.
 */
public final class LimitConsumer {

	private LimitConsumer() {
	}

	/**
	 * @param args vtgate's address
	 */
	public static void main(String[] args) {
		String[] address = args[0].split(":");
		ManagedChannel channel = Grpc
			.newChannelBuilderForAddress(address[0], Integer.parseInt(address[1]), InsecureChannelCredentials.create())
			.maxInboundMessageSize(64 * 1024 * 1024)
			.build();
		Meter meter = Meter.fromSystemProperties();
		Iterator<VStreamResponse> responses = new AheadIterator<>(channel, VitessGrpc.getVStreamMethod(),
				request("current"), Integer.getInteger("bench.ahead", 16));
		long touched = 0;
		while (responses.hasNext()) {
			VStreamResponse response = responses.next();
			for (VEvent event : response.getEventsList()) {
				if (event.getType() != VEventType.ROW) {
					continue;
				}
				int rows = 0;
				for (RowChange change : event.getRowEvent().getRowChangesList()) {
					touched += touch(change.getAfter());
					rows++;
				}
				meter.add(rows);
			}
		}
		System.out.println("stream ended early after " + meter.count() + " rows (" + touched + ")");
		channel.shutdownNow();
		try {
			channel.awaitTermination(1, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Read each value's first and last byte: every value is located and touched. */
	private static long touch(Query.Row row) {
		ByteString values = row.getValues();
		long sum = 0;
		int offset = 0;
		for (int i = 0, n = row.getLengthsCount(); i < n; i++) {
			int length = (int) row.getLengths(i);
			if (length > 0) {
				sum += values.byteAt(offset) + values.byteAt(offset + length - 1);
				offset += length;
			}
		}
		return sum;
	}

	static VStreamRequest request(String gtid) {
		return VStreamRequest.newBuilder()
			.setTabletType(TabletType.PRIMARY)
			.setVgtid(VGtid.newBuilder()
				.addShardGtids(ShardGtid.newBuilder().setKeyspace(SyntheticStream.KEYSPACE).setGtid(gtid)))
			.setFilter(Filter.newBuilder()
				.addRules(Rule.newBuilder()
					.setMatch(SyntheticStream.TABLE)
					.setFilter("select * from " + SyntheticStream.TABLE)))
			.build();
	}

}
