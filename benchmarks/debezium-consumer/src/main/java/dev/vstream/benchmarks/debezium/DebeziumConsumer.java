package dev.vstream.benchmarks.debezium;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.embedded.Connect;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The tool users would pick instead: Debezium's embedded engine running its Vitess connector
 * against the harness's synthetic vtgate, offsets in memory, starting from "current". Records
 * are taken in Kafka Connect form (no JSON serialization, the engine's cheapest output) and the
 * consumer reads every field of each row's {@code after} struct, then counts it; the last
 * expected row ends the measurement with the same {@code RESULT} line as the other consumers.
 * Child JVM of the harness: {@code DebeziumConsumer host:port}.
 */
public final class DebeziumConsumer {

	private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private DebeziumConsumer() {
	}

	/**
	 * @param args the synthetic vtgate's address
	 */
	public static void main(String[] args) {
		String[] address = args[0].split(":");
		long expected = Long.getLong("bench.rows", 1_000_000);
		long warmup = Long.getLong("bench.warmup", expected / 5);
		Properties props = new Properties();
		props.setProperty("name", "vstream-bench");
		props.setProperty("connector.class", "io.debezium.connector.vitess.VitessConnector");
		props.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
		props.setProperty("offset.flush.interval.ms", "1000");
		props.setProperty("topic.prefix", "bench");
		props.setProperty("vitess.keyspace", "bench");
		props.setProperty("database.hostname", address[0]);
		props.setProperty("database.port", address[1]);
		props.setProperty("table.include.list", "bench.orders");
		props.setProperty("vitess.grpc.max_inbound_message_size", String.valueOf(64 * 1024 * 1024));
		Counter counter = new Counter(expected, warmup);
		DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine
			.create(ChangeEventFormat.of(Connect.class))
			.using(props)
			.notifying((List<RecordChangeEvent<SourceRecord>> records,
					DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) -> {
				for (RecordChangeEvent<SourceRecord> record : records) {
					counter.accept(record.record());
					committer.markProcessed(record);
				}
				committer.markBatchFinished();
			})
			.using((success, message, error) -> {
				if (!success) {
					System.out.println("engine stopped: " + message + " " + error);
					Runtime.getRuntime().halt(2);
				}
			})
			.build();
		ExecutorService executor = Executors.newSingleThreadExecutor();
		executor.execute(engine);
	}

	/** Touches and counts the data records; the rest (heartbeats, transaction markers) is skipped. */
	static final class Counter {

		private final long expected;

		private final long warmup;

		private long count;

		private long startNanos;

		private long startAlloc;

		private long startCpu;

		private long sink;

		Counter(long expected, long warmup) {
			this.expected = expected;
			this.warmup = warmup;
		}

		void accept(SourceRecord record) {
			if (!(record.value() instanceof Struct value) || value.schema().field("after") == null) {
				return;
			}
			Struct after = value.getStruct("after");
			if (after == null) {
				return;
			}
			for (Field field : after.schema().fields()) {
				Object v = after.get(field);
				if (v != null) {
					this.sink += v.hashCode();
				}
			}
			long before = this.count++;
			if (before < this.warmup && this.count >= this.warmup) {
				this.startNanos = System.nanoTime();
				this.startAlloc = THREADS.getTotalThreadAllocatedBytes();
				this.startCpu = OS.getProcessCpuTime();
			}
			if (this.count >= this.expected) {
				long nanos = System.nanoTime() - this.startNanos;
				long alloc = THREADS.getTotalThreadAllocatedBytes() - this.startAlloc;
				long cpu = OS.getProcessCpuTime() - this.startCpu;
				System.out.println("RESULT rows=" + (this.count - this.warmup) + " nanos=" + nanos + " alloc=" + alloc
						+ " cpu=" + cpu + " sink=" + (this.sink & 1));
				System.out.flush();
				Runtime.getRuntime().halt(0);
			}
		}

	}

}
