/**
 * Running several instances of one application against the same streams: active-standby
 * (one instance streams, the others wait on a lock) and shard-distributed (each shard owned by
 * one instance through a per-shard lock), with Spring Integration's lock registries as the
 * coordination engine and position saves fenced by the lock.
 */
@NullMarked
package dev.vstream.scaling;

import org.jspecify.annotations.NullMarked;
