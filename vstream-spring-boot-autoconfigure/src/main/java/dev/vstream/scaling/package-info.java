/**
 * Running several instances of one application against the same streams: active-standby
 * (one instance streams, the others wait on a lock) and shard-distributed (each shard
 * owned by one instance through a per-shard lock), with Spring Integration's lock
 * registries as the coordination engine and position saves fenced by the lock.
 *
 * <p>
 * Layering: depends on {@code stream}, {@code offset} and {@code position}; must not
 * depend on {@code metrics}, {@code actuate}, {@code annotation} or
 * {@code autoconfigure}.
 */
@NullMarked
package dev.vstream.scaling;

import org.jspecify.annotations.NullMarked;
