/**
 * Decoding Vitess rows and mapping them to Java objects: a
 * {@link dev.vstream.mapping.TableSchema} turns the text-encoded values of a row into
 * Java values (its Javadoc lists the Java type of each Vitess column type), and a
 * {@link dev.vstream.mapping.RowMapper} from the
 * {@link dev.vstream.mapping.RowMapperFactory} turns those values into a record, a
 * JavaBean or a {@code Map}.
 *
 * <p>
 * Layering: depends on {@code position} at most; must not depend on listeners, streams,
 * stores or Spring Boot (a row is decoded and mapped here, then handed on).
 */
@NullMarked
package dev.vstream.mapping;

import org.jspecify.annotations.NullMarked;
