package dev.vstream.metrics;

import java.util.function.Function;

import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * What a listener call is tagged with but its outcome: the stream, the listener, and the
 * change's keyspace, shard, table and {@code op}. One instance for each such combination
 * ({@link Dispatches} finds it for every call without allocating), so that what only
 * depends on it is built once: the tags and success timer of
 * {@value MicrometerVStreamMonitor#CHANGES_DISPATCHED}, and the default convention's key
 * values and contextual name of the {@code vstream.listener} observation.
 *
 * <p>
 * Concurrency: immutable but for what it builds on first use, which any thread may build
 * again without harm (the same value).
 */
final class Dispatch {

	final String stream;

	final String listener;

	final String keyspace;

	final String shard;

	final String table;

	final String op;

	final Tags tags;

	private volatile @Nullable Timer success;

	private volatile @Nullable KeyValues lowCardinalityKeyValues;

	private volatile @Nullable String contextualName;

	Dispatch(String stream, String listener, String keyspace, String shard, String table, String op) {
		this.stream = stream;
		this.listener = listener;
		this.keyspace = keyspace;
		this.shard = shard;
		this.table = table;
		this.op = op;
		this.tags = Tags.of("stream", stream, "listener", listener, "keyspace", keyspace, "shard", shard, "table",
				table, "op", op);
	}

	boolean matches(String stream, String keyspace, String shard, String table, String op) {
		// op is one of a few constants; the names are often equal copies (a response's
		// strings are its own), compared by content.
		return this.op.equals(op) && this.table.equals(table) && this.shard.equals(shard)
				&& this.keyspace.equals(keyspace) && this.stream.equals(stream);
	}

	/**
	 * The timer of this call's successes, registered on first use.
	 * @param registry where it goes
	 * @return the timer
	 */
	Timer success(MeterRegistry registry) {
		Timer timer = this.success;
		if (timer == null) {
			timer = MicrometerVStreamMonitor.dispatched(registry, this.tags, "success");
			this.success = timer;
		}
		return timer;
	}

	/**
	 * The default convention's low-cardinality key values of this call.
	 * @param build builds them the first time
	 * @return the key values, the same instance every time
	 */
	KeyValues lowCardinalityKeyValues(Function<Dispatch, KeyValues> build) {
		KeyValues keyValues = this.lowCardinalityKeyValues;
		if (keyValues == null) {
			keyValues = build.apply(this);
			this.lowCardinalityKeyValues = keyValues;
		}
		return keyValues;
	}

	/**
	 * The default convention's contextual name of this call.
	 * @param build builds it the first time
	 * @return the name
	 */
	String contextualName(Function<Dispatch, String> build) {
		String name = this.contextualName;
		if (name == null) {
			name = build.apply(this);
			this.contextualName = name;
		}
		return name;
	}

}
