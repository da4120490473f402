package dev.vstream.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.vstream.batchapp.BatchApplication;
import dev.vstream.batchapp.BatchApplication.Order;
import dev.vstream.batchapp.BatchApplication.Sink;
import dev.vstream.listener.RowChange;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamContainerRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A batch listener on the real vtgate: eighteen orders inserted in six transactions of
 * three, against batches of at most seven changes flushed at the latest three seconds
 * after their first, come in batches of whole transactions accumulated across
 * transactions (six changes: a third transaction would take a batch past seven), the last
 * one flushed by the interval; every order once, in commit order. Other tests' orders on
 * the shared keyspace are told apart by their sku. (The six transactions commit within a
 * fraction of the interval, which the last batch waits out.)
 */
class BatchListenerIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final String tag = "batch-" + UUID.randomUUID().toString().substring(0, 8);

	private final InJvmApps apps = new InJvmApps(BatchApplication.class);

	@AfterEach
	void stop() {
		this.apps.close();
	}

	@Test
	void wholeTransactionsAccumulateIntoBatchesAndNothingIsLost() {
		ConfigurableApplicationContext app = this.apps.start(this.tag, "vstream.offset-store=memory",
				"vstream.start-position=current", "batchapp.size=7", "batchapp.interval=3s");
		Sink sink = app.getBean(Sink.class);
		VStreamContainer container = app.getBean(VStreamContainerRegistry.class).getContainers().get(0);
		await().atMost(TIMEOUT).until(() -> container.getState() == StreamState.STREAMING);
		List<String> skus = new ArrayList<>();
		for (int transaction = 0; transaction < 6; transaction++) {
			List<String> statements = new ArrayList<>(List.of("begin"));
			for (int row = 0; row < 3; row++) {
				String sku = this.tag + "-" + transaction + "-" + row;
				skus.add(sku);
				statements.add("insert into corder (customer_id, sku, price) values (1, '" + sku + "', 1.00)");
			}
			statements.add("commit");
			LocalVitess.execute("commerce", statements.toArray(String[]::new));
		}
		await().atMost(TIMEOUT)
			.until(() -> sink.batches.stream().mapToLong((b) -> mine(b).size()).sum() >= skus.size());
		List<List<String>> batches = sink.batches.stream().map(this::mine).filter((b) -> !b.isEmpty()).toList();
		assertThat(batches.stream().flatMap(List::stream).toList()).as("every order, once, in commit order")
			.containsExactlyElementsOf(skus);
		assertThat(batches).as("batches of whole transactions of three, at most seven changes")
			.allSatisfy((batch) -> assertThat(batch.size()).isIn(3, 6));
		assertThat(batches).as("transactions accumulated across transactions")
			.anySatisfy((batch) -> assertThat(batch).hasSize(6));
		await().atMost(TIMEOUT).until(() -> container.getSavedPosition() != null);
	}

	private List<String> mine(List<RowChange<Order>> batch) {
		return batch.stream().map((c) -> c.after().sku()).filter((sku) -> sku.startsWith(this.tag)).toList();
	}

}
