/**
 * Auto-configuration: wires the listener registry, the stream container, the offset store
 * chosen by {@code vstream.offset-store} and the actuator support from {@code vstream.*}
 * properties. Only wiring lives here.
 *
 * <p>
 * Layering: the top; may depend on every package, and none depends on it.
 */
@NullMarked
package dev.vstream.autoconfigure;

import org.jspecify.annotations.NullMarked;
