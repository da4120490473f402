package dev.vstream.sample;

import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.vstream.annotation.VStreamListener;
import dev.vstream.listener.RowChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Keeps the total value of each customer's orders, from the order table's change stream.
 */
@Component
public class OrderProjection {

	private static final Logger logger = LoggerFactory.getLogger(OrderProjection.class);

	private final Map<Long, BigDecimal> totals = new ConcurrentHashMap<>();

	@VStreamListener(table = "corder")
	void on(RowChange<Order> change) {
		logger.info("{} {}.{} [{}] before={} after={}", change.op(), change.keyspace(), change.table(), change.shard(),
				change.before(), change.after());
		if (change.before() != null) {
			add(change.before(), BigDecimal.ONE.negate());
		}
		if (change.after() != null) {
			add(change.after(), BigDecimal.ONE);
		}
	}

	private void add(Order order, BigDecimal sign) {
		BigDecimal price = (order.price() != null) ? order.price() : BigDecimal.ZERO;
		this.totals.merge(order.customerId(), price.multiply(sign), BigDecimal::add);
	}

	/**
	 * The current total per customer.
	 * @return customer id to total of their orders
	 */
	public Map<Long, BigDecimal> totals() {
		return Map.copyOf(this.totals);
	}

}
