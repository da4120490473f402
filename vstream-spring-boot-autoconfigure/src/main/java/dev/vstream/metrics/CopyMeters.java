package dev.vstream.metrics;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.vstream.stream.CopyProgress;
import dev.vstream.stream.VStreamContainer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one table's copy phase in one stream: the counter of copied rows, and the
 * gauges of the estimated total and the time left, which read the container that last
 * reported rows of the table (weakly held, as the lag gauge does).
 */
final class CopyMeters {

	private final Counter rows;

	private final String keyspace;

	private final String table;

	private volatile WeakReference<VStreamContainer> container = new WeakReference<>(null);

	private CopyMeters(MeterRegistry registry, String stream, String keyspace, String table) {
		this.keyspace = keyspace;
		this.table = table;
		Tags tags = Tags.of("stream", stream, "keyspace", keyspace, "table", table);
		this.rows = Counter.builder(MicrometerVStreamMonitor.COPY_ROWS)
			.description("Rows of the copy phase handled")
			.tags(tags)
			.register(registry);
		Gauge.builder(MicrometerVStreamMonitor.COPY_ROWS_ESTIMATED, this, CopyMeters::estimatedRows)
			.description("The table's row count as the database estimates it, asked when its copy began")
			.tags(tags)
			.register(registry);
		TimeGauge.builder(MicrometerVStreamMonitor.COPY_REMAINING, this, TimeUnit.SECONDS, CopyMeters::remainingSeconds)
			.description("Time left to copy the table at the recent rate (0 once copied)")
			.tags(tags)
			.register(registry);
	}

	static CopyMeters register(MeterRegistry registry, String stream, String keyspace, String table) {
		return new CopyMeters(registry, stream, keyspace, table);
	}

	void rowsCopied(VStreamContainer current, int count) {
		// Called for every copied batch: a new reference only when the container changed.
		if (this.container.get() != current) {
			this.container = new WeakReference<>(current);
		}
		this.rows.increment(count);
	}

	private double estimatedRows() {
		CopyProgress progress = progress();
		Long estimate = (progress != null) ? progress.estimatedRows() : null;
		return (estimate != null) ? estimate : Double.NaN;
	}

	private double remainingSeconds() {
		CopyProgress progress = progress();
		Duration remaining = (progress != null) ? progress.remaining() : null;
		return (remaining != null) ? remaining.toSeconds() : Double.NaN;
	}

	private @Nullable CopyProgress progress() {
		VStreamContainer current = this.container.get();
		if (current == null) {
			return null;
		}
		for (CopyProgress progress : current.getCopyProgress()) {
			if (progress.keyspace().equals(this.keyspace) && progress.table().equals(this.table)) {
				return progress;
			}
		}
		return null;
	}

}
