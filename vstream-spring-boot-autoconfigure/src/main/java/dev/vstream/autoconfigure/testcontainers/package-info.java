/**
 * Testcontainers service connections: {@code @ServiceConnection} on a
 * {@code vitess/vttestserver} container gives the starter its
 * {@link dev.vstream.autoconfigure.VtgateConnectionDetails}. Registered in
 * {@code META-INF/spring.factories}; used only where spring-boot-testcontainers is on the
 * class path.
 *
 * <p>
 * Layering: part of {@code autoconfigure}; depends on it, and nothing depends on this
 * package.
 */
@NullMarked
package dev.vstream.autoconfigure.testcontainers;

import org.jspecify.annotations.NullMarked;
