package dev.vstream.e2e;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

import dev.vstream.annotation.VStreamListener;
import dev.vstream.listener.Operation;
import dev.vstream.listener.RowChange;
import dev.vstream.stream.VStreamRequestCustomizer;
import io.vitess.proto.Vtgate.VStreamRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Filters run in the real vtgate: a listener's {@code where} reaches the rule, rows that
 * do not meet it are not sent (in the copy phase and live), a record that maps fewer
 * columns than the table gets only those, with the right values, and a condition vtgate
 * refuses fails the start with vtgate's reason and the listener's name.
 */
class ServerSideFilterIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final List<VStreamRequest> sent = new CopyOnWriteArrayList<>();

	private final InJvmApps apps = new InJvmApps(FilteredApplication.class)
		.initializer((context) -> context.getBeanFactory()
			.registerSingleton("recordingCustomizer", (VStreamRequestCustomizer) (r) -> this.sent.add(r.build())));

	private final long customer = ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000_000L);

	@AfterEach
	void stop() {
		this.apps.close();
	}

	@Test
	void vtgateSendsOnlyMatchingRowsAndOnlyTheMappedColumns() {
		// Before the start: copied.
		insert(this.customer, "copied-dear", "20.00");
		insert(this.customer, "copied-cheap", "5.00");
		insert(this.customer + 1, "copied-other", "30.00");
		String where = "customer_id = " + this.customer + " and price > 10";
		Recorder recorder = this.apps
			.start("filter-" + this.customer, "vstream.offset-store=memory", "vstream.start-position=copy",
					"e2e.where=" + where)
			.getBean(Recorder.class);
		await().atMost(TIMEOUT).until(() -> !this.sent.isEmpty());
		assertThat(this.sent.get(0).getFilter().getRules(0).getFilter())
			.isEqualTo("select `order_id`, `price` from `corder` where `customer_id` = " + this.customer
					+ " and `price` > 10");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(recorder.changes).hasSize(1));
		Slim copied = recorder.changes.get(0).after();
		assertThat(copied.price()).isEqualByComparingTo("20.00");
		assertThat(copied.orderId()).isEqualTo(orderId("copied-dear"));
		assertThat(copied.note()).isNull();
		// Live.
		insert(this.customer, "live-cheap", "1.00");
		insert(this.customer + 1, "live-other", "99.00");
		insert(this.customer, "live-dear", "11.50");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(recorder.changes).hasSize(2));
		RowChange<Slim> live = recorder.changes.get(1);
		assertThat(live.op()).isEqualTo(Operation.INSERT);
		assertThat(live.after().orderId()).isEqualTo(orderId("live-dear"));
		assertThat(live.after().price()).isEqualByComparingTo("11.50");
		// An update out of the condition: its before image matches, so it comes.
		LocalVitess.execute("commerce", "update corder set price = 2.00 where sku = '" + sku("live-dear") + "'");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(recorder.changes).hasSize(3));
		assertThat(recorder.changes.get(2).op()).isEqualTo(Operation.UPDATE);
		assertThat(recorder.changes.get(2).after().price()).isEqualByComparingTo("2.00");
		assertThat(recorder.changes).extracting((c) -> c.after().orderId())
			.doesNotContain(orderId("copied-cheap"), orderId("copied-other"), orderId("live-cheap"),
					orderId("live-other"));
	}

	@Test
	void aConditionVtgateRefusesFailsTheStartWithItsReasonAndTheListener() {
		assertThatThrownBy(() -> this.apps.start("refused-" + this.customer, "vstream.offset-store=memory",
				"vstream.start-position=current", "e2e.where=nosuch_column = 1"))
			.hasStackTraceContaining("Listener 'slim' of stream 'refused-" + this.customer
					+ "': vtgate refuses its filter on table 'corder' (where `nosuch_column` = 1): ")
			.hasStackTraceContaining("Unknown column 'nosuch_column'");
	}

	private void insert(long customerId, String name, String price) {
		LocalVitess.execute("commerce", "insert into corder (customer_id, sku, price) values (" + customerId + ", '"
				+ sku(name) + "', " + price + ")");
	}

	private String sku(String name) {
		return "filter-" + this.customer + "-" + name;
	}

	private long orderId(String name) {
		try (Connection connection = LocalVitess.vtgate("commerce");
				Statement statement = connection.createStatement();
				ResultSet rows = statement
					.executeQuery("select order_id from corder where sku = '" + sku(name) + "'")) {
			rows.next();
			return rows.getLong(1);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Maps two of corder's four columns (and one it does not have). */
	public record Slim(long orderId, BigDecimal price, String note) {
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class FilteredApplication {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

	}

	static class Recorder {

		final List<RowChange<Slim>> changes = new CopyOnWriteArrayList<>();

		@VStreamListener(table = "corder", id = "slim", where = "${e2e.where}")
		void onOrder(RowChange<Slim> change) {
			this.changes.add(change);
		}

	}

}
