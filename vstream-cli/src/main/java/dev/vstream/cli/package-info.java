/**
 * {@code vstream-cli}: {@code tail} prints the changes of one table as vtgate's
 * {@code VSTREAM * FROM} does, streamed by the starter's own container
 * ({@link dev.vstream.stream.DefaultVStreamContainer}, auto-configured from
 * {@code vstream.*} properties) with a programmatic listener; positions stay in memory.
 */
@NullMarked
package dev.vstream.cli;

import org.jspecify.annotations.NullMarked;
