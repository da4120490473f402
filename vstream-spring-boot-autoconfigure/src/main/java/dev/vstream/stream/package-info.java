/**
 * The VStream session: the request sent to vtgate, ordered dispatch of row changes, positions
 * ({@link dev.vstream.stream.StreamPosition}) and reconnecting from the last handled one. Knows
 * nothing of Spring Boot.
 */
@NullMarked
package dev.vstream.stream;

import org.jspecify.annotations.NullMarked;
