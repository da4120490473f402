package dev.vstream.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.vstream.listener.ErrorRecovery;
import dev.vstream.listener.Operation;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks a method to be called for each change of a table's rows streamed from vtgate.
 *
 * <p>
 * The method may declare, in any order:
 * <ul>
 * <li>one payload parameter: {@code RowChange<T>} (operation, before and after images,
 * keyspace, shard, table, position, commit time) or a bare {@code T}, which receives the
 * after image, or the before image for deletes; {@code T} is a record, a JavaBean or
 * {@code Map<String, Object>}; or {@code List<RowChange<T>>}, which receives the table's
 * changes of one whole transaction in one call, at its commit (the transaction's changes
 * are then held in memory), or, with {@link #batchSize()} or {@link #batchInterval()},
 * the changes of several whole transactions at once;
 * <li>{@link Operation} and {@link dev.vstream.position.StreamPosition}.
 * </ul>
 * A method whose parameters cannot be served fails application start-up.
 *
 * <p>
 * String attributes accept {@code ${...}} placeholders.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(VStreamListenerReflectiveProcessor.class)
public @interface VStreamListener {

	/**
	 * The table whose changes are delivered.
	 * @return the table name
	 */
	String table();

	/**
	 * The keyspace of the table; empty for the stream's default keyspace
	 * ({@code vstream.keyspace}).
	 * @return the keyspace
	 */
	String keyspace() default "";

	/**
	 * A condition rows must meet, in the form vtgate's filter rules accept: terms joined
	 * by {@code and}, each {@code column op literal} ({@code =}, {@code !=}, {@code <>},
	 * {@code <}, {@code <=}, {@code >}, {@code >=}), {@code column in (...)},
	 * {@code column is [not] null}, {@code column [not] between a and b}, or
	 * {@code in_keyrange(...)}. vtgate applies it, so rows that do not meet it are not
	 * sent; when listeners of one table want different conditions, vtgate applies the
	 * terms they share and each listener's own condition is checked on the rows that
	 * come. A change is delivered when its before or its after image meets the condition,
	 * as vtgate decides. Empty for every row. Accepts a placeholder.
	 * @return the condition
	 */
	String where() default "";

	/**
	 * The columns vtgate sends for this listener; empty for the columns its record or
	 * JavaBean row type maps (looked up in the table at each connect, see
	 * {@code vstream.auto-project}), or every column for {@code Map} rows. Listeners of
	 * one table share what vtgate sends: the union of what they ask for.
	 * @return the columns
	 */
	String[] columns() default {};

	/**
	 * The operations delivered; all when empty.
	 * @return the operations
	 */
	Operation[] ops() default {};

	/**
	 * The stream that delivers this listener's changes: the id of a stream configured
	 * under {@code vstream.streams.<id>}, each with its own saved position, start
	 * position, checkpoints and error handling; empty (or the default stream's id,
	 * {@code vstream.id}) for the default stream. A stream that is not configured fails
	 * start-up. Accepts a placeholder.
	 * @return the stream id, or empty
	 */
	String stream() default "";

	/**
	 * The listener id, unique in the application; defaults to
	 * {@code beanName.methodName}.
	 * @return the id
	 */
	String id() default "";

	/**
	 * What happens to a change this listener could not handle once its retries
	 * ({@code vstream.error.retry.*}) are spent; {@code DEFAULT} follows
	 * {@code vstream.error.recovery}.
	 * @return the recovery
	 */
	ErrorRecovery errorRecovery() default ErrorRecovery.DEFAULT;

	/**
	 * Whether the listener starts with the stream; {@code "false"} keeps it registered
	 * but not called until started through the registry. All listeners of a stream share
	 * its position, so a listener that is not started does not hold the stream back: the
	 * changes streamed while it is stopped are not delivered to it later. Accepts a
	 * placeholder.
	 * @return {@code "true"} or {@code "false"}, empty for the default (true)
	 */
	String autoStartup() default "";

	/**
	 * Makes a {@code List<RowChange<T>>} listener a batch listener, for sinks: it gets
	 * the changes of whole transactions accumulated across transactions, at most this
	 * many at once, unless a single transaction has more (a transaction is never split).
	 * The batch is flushed when it is full or {@link #batchInterval()} passed since its
	 * first change, whichever comes first. The stream's position moves past a change only
	 * once its batch was handled; a failed batch is retried and recovered as a whole.
	 * Empty (the default, unless {@link #batchInterval()} is set): one call per
	 * transaction; with only {@link #batchInterval()} set, 1000. Accepts a placeholder.
	 * @return the largest number of changes of a batch, or empty
	 */
	String batchSize() default "";

	/**
	 * How long the first change of a batch waits for the rest at most, as {@code 2s},
	 * {@code 500ms} or {@code PT2S}: see {@link #batchSize()}. It is checked as responses
	 * arrive from vtgate, which on an idle stream are its heartbeats
	 * ({@code vstream.heartbeat-interval}): a batch may come that much later. Empty (the
	 * default, unless {@link #batchSize()} is set): one call per transaction; with only
	 * {@link #batchSize()} set, 1s. Accepts a placeholder.
	 * @return the longest wait, or empty
	 */
	String batchInterval() default "";

}
