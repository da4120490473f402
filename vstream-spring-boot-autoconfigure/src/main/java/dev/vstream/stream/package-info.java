/**
 * The VStream session: the request sent to vtgate, ordered dispatch of row changes,
 * positions ({@link dev.vstream.position.StreamPosition}) and reconnecting from the last
 * handled one. Knows nothing of Spring Boot.
 *
 * <p>
 * Layering: the core; depends on {@code listener}, {@code mapping}, {@code offset} and
 * {@code position}; must not depend on {@code metrics}, {@code scaling}, {@code actuate},
 * {@code annotation}, {@code autoconfigure} or Spring Boot.
 */
@NullMarked
package dev.vstream.stream;

import org.jspecify.annotations.NullMarked;
