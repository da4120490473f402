/**
 * Micrometer support: {@link dev.vstream.metrics.MicrometerVStreamMonitor} records the
 * meters of each stream and, when observation is enabled, wraps each listener call in an
 * {@link io.micrometer.observation.Observation}
 * ({@link dev.vstream.metrics.VStreamListenerObservation}). Optional: used only when
 * Micrometer is on the classpath; the stream and listener packages do not depend on it.
 *
 * <p>
 * Layering: depends on {@code stream}, {@code listener} and {@code position}; nothing
 * below it depends on it.
 */
@NullMarked
package dev.vstream.metrics;

import org.jspecify.annotations.NullMarked;
