package dev.vstream.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VEvent;
import binlogdata.Binlogdata.VEventType;
import dev.vstream.stream.VStreamRequestCustomizer;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.vitess.proto.Vtgate.VStreamRequest;
import io.vitess.proto.Vtgate.VStreamResponse;
import io.vitess.proto.grpc.VitessGrpc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Only what was asked for is streamed: listeners of {@code commerce.corder} and
 * {@code customer.customer} (E2eApplication's) make the stream ask the real vtgate for
 * those two tables only, not for {@code customer.corder} and {@code commerce.customer}
 * too. vtgate hands one request's filter to every keyspace of the request, so the stream
 * sends one request per keyspace here; this test records the requests the stream sends
 * (through a {@link VStreamRequestCustomizer}) and streams with them itself, to see every
 * row vtgate sends, including those the stream would drop.
 */
class PerKeyspaceFilterIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final String tag = "pk-" + UUID.randomUUID().toString().substring(0, 8);

	private final List<VStreamRequest> sent = new CopyOnWriteArrayList<>();

	private final InJvmApps apps = new InJvmApps(E2eApplication.class).initializer((context) -> context.getBeanFactory()
		.registerSingleton("recordingCustomizer", (VStreamRequestCustomizer) (r) -> this.sent.add(r.build())));

	private final ExecutorService readers = Executors.newCachedThreadPool();

	private final Context.CancellableContext calls = Context.current().withCancellation();

	@AfterEach
	void stop() {
		this.calls.cancel(null);
		this.readers.shutdownNow();
		this.apps.close();
	}

	@Test
	void eachKeyspaceStreamsOnlyItsListenedTables() {
		this.apps.start("per-keyspace-" + this.tag, "vstream.offset-store=memory", "vstream.start-position=current");
		await().atMost(TIMEOUT).until(() -> this.sent.size() >= 2);
		List<VStreamRequest> requests = new ArrayList<>(this.sent.subList(0, 2));
		assertThat(requests)
			.extracting(
					(r) -> r.getVgtid().getShardGtidsList().stream().map(ShardGtid::getKeyspace).distinct().toList())
			.containsExactlyInAnyOrder(List.of("commerce"), List.of("customer"));
		assertThat(requests).extracting((r) -> r.getFilter().getRules(0).getMatch())
			.containsExactlyInAnyOrder("corder", "customer");

		ManagedChannel channel = ManagedChannelBuilder.forTarget(LocalVitess.grpcAddress()).usePlaintext().build();
		List<String> rows = new CopyOnWriteArrayList<>();
		try {
			for (VStreamRequest request : requests) {
				this.readers.submit(() -> this.calls.run(() -> {
					Iterator<VStreamResponse> responses = VitessGrpc.newBlockingStub(channel).vStream(request);
					while (responses.hasNext()) {
						for (VEvent event : responses.next().getEventsList()) {
							if (event.getType() == VEventType.ROW) {
								String table = event.getRowEvent().getTableName();
								rows.add(event.getRowEvent().getKeyspace() + "."
										+ table.substring(table.indexOf('.') + 1));
							}
						}
					}
				}));
			}
			// The calls start at "current": write until both are seen to be connected
			// (a write made before a call is established is not streamed to it).
			long customerId = ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000_000L);
			AtomicLong probe = new AtomicLong(customerId - 1_000);
			await().atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> {
				LocalVitess.execute("commerce",
						"insert into corder (customer_id, sku, price) values (1, '" + this.tag + "-start', 1.00)");
				LocalVitess.execute("customer", "insert into customer (customer_id, email) values ("
						+ probe.incrementAndGet() + ", '" + this.tag + "-start@example.com')");
				return rows.contains("customer.customer") && rows.contains("commerce.corder");
			});
			rows.clear();
			// Not listened: commerce.customer and customer.corder, written before the
			// listened rows of the same shards.
			LocalVitess.execute("commerce",
					"insert into customer (email) values ('" + this.tag + "-not-listened@example.com')",
					"insert into corder (customer_id, sku, price) values (1, '" + this.tag + "-listened', 1.00)");
			LocalVitess.execute("customer",
					"insert into corder (order_id, customer_id, sku, price) values (" + customerId + ", " + customerId
							+ ", '" + this.tag + "-not-listened', 1.00)",
					"insert into customer (customer_id, email) values (" + customerId + ", '" + this.tag
							+ "-listened@example.com')");
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(rows).contains("commerce.corder", "customer.customer"));
			assertThat(rows).containsOnly("commerce.corder", "customer.customer");
		}
		finally {
			channel.shutdownNow();
		}
	}

}
