/**
 * Stream positions, the bottom layer: a {@link dev.vstream.position.StreamPosition} is
 * vtgate's VGtid (a GTID set per keyspace and shard, with the copy phase's last primary
 * keys), made of {@link dev.vstream.position.ShardPosition}s, and a
 * {@link dev.vstream.position.StartPosition} says where a stream without a saved position
 * starts. A position read from outside (an offset store, a reset, a property) is checked
 * here first: Vitess names, GTID sets of the flavors vtgate sends, a bounded size. Every
 * other package may use these types; this package depends on none of them (only on the
 * Vitess protocol classes).
 *
 * <p>
 * Layering: the bottom; depends on no other package of the starter.
 */
@NullMarked
package dev.vstream.position;

import org.jspecify.annotations.NullMarked;
