package dev.vstream.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The default configuration (no DataSource: the embedded H2 file) keeps the README's
 * bound after SIGKILL: orders are written one transaction each, the application is killed
 * with SIGKILL at random points while it delivers them and restarted each time; nothing
 * is lost and each kill repeats at most the default checkpoint policy's bound: the
 * transaction in hand at idle, the transactions of the last
 * {@code vstream.checkpoint.group.min-interval} (100 ms) while the stream keeps up, at
 * most {@code vstream.checkpoint.group.transactions} (1000) transactions while it is
 * behind (group commit).
 */
class DefaultStoreKillIT extends WithDefaultStoreApps {

	private static final int KILLS = 3;

	private static final int MAX_ORDERS = 4000;

	/** The default of {@code vstream.checkpoint.group.transactions}. */
	private static final int GROUP = 1000;

	@Test
	void killedAtRandomPointsLosesNothingAndRepeatsAtMostTheStatedBoundPerKill() throws Exception {
		String streamId = "sigkill-" + this.apps.tag;
		ChildJvm app = this.apps.start(streamId, DefaultStoreApps.NO_DATASOURCE);
		// Delivering the second order means the first one's position was saved: from here
		// on a restart resumes from a saved position, never from "current".
		List<String> committed = new CopyOnWriteArrayList<>(
				List.of(this.apps.skuPrefix + "w0", this.apps.skuPrefix + "w1"));
		committed.forEach(this.apps::insertOrder);
		await().atMost(Duration.ofSeconds(30)).until(() -> this.apps.deliveredInserts().size() == 2);

		AtomicBoolean writing = new AtomicBoolean(true);
		CompletableFuture<Void> writer = BackgroundWriter.statements("commerce", (statement) -> {
			for (int i = 0; i < MAX_ORDERS && writing.get(); i++) {
				String sku = this.apps.skuPrefix + i;
				statement.execute("insert into corder (customer_id, sku, price) values (902, '" + sku + "', 1.00)");
				committed.add(sku);
			}
		});
		for (int kill = 1; kill <= KILLS; kill++) {
			int target = delivered() + ThreadLocalRandom.current().nextInt(20, 200);
			await().atMost(Duration.ofSeconds(60)).until(() -> delivered() >= target || writer.isDone());
			app.kill();
			app = this.apps.start(streamId, DefaultStoreApps.NO_DATASOURCE);
		}
		writing.set(false);
		assertThat(writer).succeedsWithin(Duration.ofSeconds(60));

		await().atMost(Duration.ofSeconds(60))
			.until(() -> this.apps.deliveredInserts().keySet().containsAll(committed));
		Map<String, Long> delivered = this.apps.deliveredInserts();
		long repeats = delivered.values().stream().mapToLong((times) -> times - 1).sum();
		assertThat(delivered.keySet()).as("nothing lost").containsExactlyInAnyOrderElementsOf(committed);
		System.out.println("DefaultStoreKillIT: " + committed.size() + " one-row transactions, " + KILLS + " kills, "
				+ repeats + " delivered again");
		assertThat(repeats)
			.as("repeats of " + committed.size() + " one-row transactions after " + KILLS
					+ " kills (at most one group of " + GROUP + " transactions per kill)")
			.isLessThanOrEqualTo(KILLS * GROUP);
	}

	private int delivered() {
		return this.apps.deliveredInserts().values().stream().mapToInt(Long::intValue).sum();
	}

}
