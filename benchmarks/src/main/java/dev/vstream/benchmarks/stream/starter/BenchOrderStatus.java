package dev.vstream.benchmarks.stream.starter;

import java.math.BigDecimal;

/**
 * Three of the ten columns of the synthetic {@code orders} table, as a listener that
 * needs only those declares them (consumer {@code starter-narrow}).
 *
 * @param id primary key
 * @param status order status
 * @param price order value
 */
public record BenchOrderStatus(long id, String status, BigDecimal price) {
}
