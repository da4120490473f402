/**
 * Listener endpoints and their registry: what a listener receives ({@link dev.vstream.listener.RowChange}),
 * how a method's parameters are served from a change, and what happens when a listener fails.
 */
@NullMarked
package dev.vstream.listener;

import org.jspecify.annotations.NullMarked;
