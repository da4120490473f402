/**
 * Listener endpoints and their registry: what a listener receives
 * ({@link dev.vstream.listener.RowChange}), how a method's parameters are served from a
 * change, and what happens when a listener fails.
 *
 * <p>
 * Layering: depends on {@code mapping} and {@code position}; must not depend on
 * {@code stream}, {@code offset}, {@code annotation}, scaling, metrics, the actuator or
 * Spring Boot.
 */
@NullMarked
package dev.vstream.listener;

import org.jspecify.annotations.NullMarked;
