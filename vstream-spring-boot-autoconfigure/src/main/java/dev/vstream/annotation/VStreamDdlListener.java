package dev.vstream.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks a method to be called with each schema change (DDL) streamed from a keyspace the
 * application's {@link VStreamListener}s stream. The method takes one
 * {@link dev.vstream.listener.DdlEvent} parameter (statement, keyspace, shard, position).
 *
 * <p>
 * It is called on the stream's thread, in stream order: before any row written after the
 * DDL. A DDL listener that throws goes to the stream's error handler, which by default
 * stops the stream without moving its position past the DDL (the DDL is delivered again
 * after a restart). Vitess streams every DDL of the keyspace, not only those of listened
 * tables; the statement tells which table it touches.
 *
 * <p>
 * DDL listeners belong to the default stream ({@code vstream.*}): the named streams of
 * {@code vstream.streams.<id>} do not call them.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective
public @interface VStreamDdlListener {

	/**
	 * The keyspace whose DDL is delivered; empty for every streamed keyspace. Accepts a
	 * placeholder.
	 * @return the keyspace
	 */
	String keyspace() default "";

	/**
	 * The listener id, unique in the application; defaults to
	 * {@code beanName.methodName}.
	 * @return the id
	 */
	String id() default "";

}
