package dev.vstream.sample;

import java.math.BigDecimal;

import dev.vstream.stream.VStreamContainer;
import dev.vstream.test.AutoConfigureTestVtgate;
import dev.vstream.test.TestTable;
import dev.vstream.test.TestVtgate;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static dev.vstream.test.VStreamTestUtils.awaitHandled;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The projection's listener against a test vtgate: no Vitess, no database. Changes pushed
 * to {@code commerce.corder} reach {@link OrderProjection} as typed {@link Order}s.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@AutoConfigureTestVtgate
class OrderProjectionTests {

	@Autowired
	TestVtgate vtgate;

	@Autowired
	VStreamContainer stream;

	@Autowired
	OrderProjection projection;

	@Test
	void totalsFollowInsertsUpdatesAndDeletes() {
		TestTable orders = this.vtgate.table("commerce", "corder")
			.columns("order_id bigint", "customer_id bigint", "sku varchar(128)", "price decimal(10,2)");
		Order book = new Order(1, 42, "book", new BigDecimal("7.25"));
		Order pen = new Order(2, 42, "pen", new BigDecimal("2.75"));

		awaitHandled(this.stream, orders.insert(book, pen));
		assertThat(this.projection.totals().get(42L)).isEqualByComparingTo("10.00");

		awaitHandled(this.stream, orders.update(pen, new Order(2, 42, "pen", new BigDecimal("3.75"))));
		assertThat(this.projection.totals().get(42L)).isEqualByComparingTo("11.00");

		awaitHandled(this.stream, orders.delete(book));
		assertThat(this.projection.totals().get(42L)).isEqualByComparingTo("3.75");
	}

}
