package dev.vstream.benchmarks.stream.real;

import java.math.BigDecimal;
import java.time.LocalDateTime;

/**
 * A row of {@code commerce.bench_copy} (see {@link BenchTable}), as a listener declares
 * it.
 *
 * @param id primary key
 * @param customerId customer
 * @param quantity items
 * @param sku product
 * @param status order status
 * @param email customer's address
 * @param price DECIMAL(10,2)
 * @param weight DOUBLE
 * @param createdAt DATETIME
 * @param note free text
 */
public record BenchCopy(long id, long customerId, int quantity, String sku, String status, String email,
		BigDecimal price, double weight, LocalDateTime createdAt, String note) {
}
