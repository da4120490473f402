/**
 * Actuator endpoint and health for streams: {@link dev.vstream.actuate.VStreamEndpoint}
 * shows what each stream is doing, {@link dev.vstream.actuate.VStreamHealthContributor}
 * and {@link dev.vstream.actuate.VStreamHealthIndicator} turn its state into a health
 * status. Optional: used only when Spring Boot's actuator and health modules are on the
 * classpath.
 *
 * <p>
 * Layering: depends on {@code stream}, {@code scaling}, {@code listener} and
 * {@code position}; must not depend on {@code autoconfigure}.
 */
@NullMarked
package dev.vstream.actuate;

import org.jspecify.annotations.NullMarked;
