package dev.vstream.benchmarks.stream.starter;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;

/**
 * A row of the synthetic {@code orders} table, as a listener declares it.
 *
 * @param id primary key
 * @param customerId customer
 * @param quantity items
 * @param sku product
 * @param status order status
 * @param email customer's address
 * @param price order value
 * @param createdAt DATETIME
 * @param updatedAt TIMESTAMP
 * @param attrs JSON document
 */
public record BenchOrder(long id, long customerId, int quantity, String sku, String status, String email,
		BigDecimal price, LocalDateTime createdAt, Instant updatedAt, String attrs) {
}
