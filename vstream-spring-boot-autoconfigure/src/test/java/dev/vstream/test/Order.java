package dev.vstream.test;

import java.math.BigDecimal;

import dev.vstream.test.vtgate.Events;

/**
 * A row of the {@code corder} table as {@link Events#corderFields} announces it: the
 * record most tests map the scripted vtgate's rows to.
 *
 * @param orderId {@code order_id}
 * @param customerId {@code customer_id}
 * @param sku {@code sku}
 * @param price {@code price}
 */
public record Order(long orderId, long customerId, String sku, BigDecimal price) {
}
