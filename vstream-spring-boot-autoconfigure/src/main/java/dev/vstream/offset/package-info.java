/**
 * Where stream positions are stored, so that a restarted application resumes where it
 * stopped: the {@link dev.vstream.offset.OffsetRepository} contract and its in-memory,
 * JDBC and Redis implementations, whose compare-and-set save keeps two instances of one
 * stream from moving its position backwards
 * ({@link dev.vstream.offset.PositionConflictException}).
 *
 * <p>
 * Layering: depends on {@code position} only; must not depend on {@code stream} or any
 * package above it.
 */
@NullMarked
package dev.vstream.offset;

import org.jspecify.annotations.NullMarked;
