/**
 * Docker Compose service connections: a {@code vitess/vttestserver} service of the
 * application's compose file gives the starter its
 * {@link dev.vstream.autoconfigure.VtgateConnectionDetails}. Registered in
 * {@code META-INF/spring.factories}; used only where spring-boot-docker-compose is on the
 * class path.
 *
 * <p>
 * Layering: part of {@code autoconfigure}; depends on it, and nothing depends on this
 * package.
 */
@NullMarked
package dev.vstream.autoconfigure.docker;

import org.jspecify.annotations.NullMarked;
