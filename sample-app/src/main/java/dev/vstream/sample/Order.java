package dev.vstream.sample;

import java.math.BigDecimal;

/**
 * A row of {@code commerce.corder}; columns map by name ({@code order_id} →
 * {@code orderId}).
 */
public record Order(long orderId, long customerId, String sku, BigDecimal price) {
}
