/**
 * The {@link dev.vstream.annotation.VStreamListener} annotation and the bean
 * post-processor that finds annotated methods and registers them as listener endpoints.
 *
 * <p>
 * Layering: depends on {@code listener}, {@code mapping} and {@code position}; must not
 * depend on {@code stream} or anything above it.
 */
@NullMarked
package dev.vstream.annotation;

import org.jspecify.annotations.NullMarked;
