package dev.vstream.test;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * What a {@link TestVtgate} refuses, and says why, before anything reaches a stream.
 */
class TestTableTests {

	private final TestVtgate vtgate = TestVtgate.start();

	@AfterEach
	void close() {
		this.vtgate.close();
	}

	@Test
	void columnsAreNamedAndTyped() {
		TestTable orders = this.vtgate.table("commerce", "corder")
			.columns("order_id bigint unsigned", "sku varchar(128)", "price decimal(10,2)", "placed datetime(6)");

		assertThat(orders.columnNames()).containsExactly("order_id", "sku", "price", "placed");
		assertThat(this.vtgate.table("commerce", "CORDER")).isSameAs(orders);
		assertThatIllegalArgumentException().isThrownBy(() -> orders.columns("order_id"))
			.withMessageContaining("needs a name and a type");
		assertThatIllegalArgumentException().isThrownBy(() -> orders.columns("order_id money"))
			.withMessageContaining("has type 'money', which a test vtgate does not know")
			.withMessageContaining("bigint");
	}

	@Test
	void rowsNeedColumnsThatExist() {
		TestTable orders = this.vtgate.table("commerce", "corder");

		assertThatIllegalStateException().isThrownBy(() -> orders.insert(Map.of("order_id", 1)))
			.withMessageContaining("Table commerce.corder has no columns");
		orders.columns("order_id bigint");
		assertThatIllegalArgumentException().isThrownBy(() -> orders.insert(Map.of("orderid", 1, "skew", "x")))
			.withMessageContaining("has no column 'skew' (it has [order_id])");
	}

	@Test
	void transactionStaysInOneKeyspace() {
		TestTable orders = this.vtgate.table("commerce", "corder").columns("order_id bigint");
		TestTable customers = this.vtgate.table("customer", "customer").columns("customer_id bigint");

		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.vtgate.transaction(
					(tx) -> tx.insert(orders, Map.of("order_id", 1)).insert(customers, Map.of("customer_id", 2))))
			.withMessageContaining("A transaction changes tables of one keyspace");
		assertThatIllegalArgumentException().isThrownBy(() -> this.vtgate.transaction((tx) -> {
		})).withMessageContaining("at least one change");
	}

	@Test
	void commitsCountTransactionsPerKeyspace() {
		TestTable orders = this.vtgate.table("commerce", "corder").columns("order_id bigint");

		Commit first = orders.insert(Map.of("order_id", 1));
		Commit second = orders.delete(Map.of("order_id", 1));

		assertThat(first.isIncludedIn(second.gtid())).isTrue();
		assertThat(second.isIncludedIn(first.gtid())).isFalse();
		assertThat(second.isIncludedIn("current")).isFalse();
		assertThat(this.vtgate.address()).matches("127\\.0\\.0\\.1:\\d+");
	}

}
