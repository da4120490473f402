/**
 * Where stream positions are stored, so that a restarted application resumes where it stopped:
 * the {@link dev.vstream.offset.OffsetRepository} contract and its in-memory, JDBC and Redis
 * implementations.
 */
@NullMarked
package dev.vstream.offset;

import org.jspecify.annotations.NullMarked;
