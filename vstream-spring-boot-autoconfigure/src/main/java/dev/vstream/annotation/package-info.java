/**
 * The {@link dev.vstream.annotation.VStreamListener} annotation and the bean post-processor that
 * finds annotated methods and registers them as listener endpoints.
 */
@NullMarked
package dev.vstream.annotation;

import org.jspecify.annotations.NullMarked;
