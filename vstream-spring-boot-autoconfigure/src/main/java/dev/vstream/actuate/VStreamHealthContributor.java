package dev.vstream.actuate;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.vstream.stream.VStreamContainer;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.util.Assert;

/**
 * The health of every stream, one {@link VStreamHealthIndicator} per container named by
 * the stream id, so that {@code /actuator/health/vstream/{id}} shows one stream and
 * health groups can include a single stream. The overall status is aggregated as usual:
 * any stream DOWN makes it DOWN.
 *
 * <p>
 * The containers are read on each health check, so streams added later are reported.
 */
public class VStreamHealthContributor implements CompositeHealthContributor {

	private final Supplier<? extends Collection<VStreamContainer>> containers;

	private final Duration reconnectTimeout;

	private final Clock clock;

	/**
	 * Create a contributor for a fixed set of streams, reported DOWN once reconnecting
	 * for {@linkplain VStreamHealthIndicator#DEFAULT_RECONNECT_TIMEOUT 60 seconds}.
	 * @param containers the streams
	 */
	public VStreamHealthContributor(Collection<VStreamContainer> containers) {
		this(copy(containers), VStreamHealthIndicator.DEFAULT_RECONNECT_TIMEOUT);
	}

	/**
	 * Create a contributor.
	 * @param containers supplies the streams, on each health check
	 * @param reconnectTimeout how long a stream may be reconnecting before it is reported
	 * DOWN
	 */
	public VStreamHealthContributor(Supplier<? extends Collection<VStreamContainer>> containers,
			Duration reconnectTimeout) {
		this(containers, reconnectTimeout, Clock.systemUTC());
	}

	/**
	 * Create a contributor with its own clock.
	 * @param containers supplies the streams, on each health check
	 * @param reconnectTimeout how long a stream may be reconnecting before it is reported
	 * DOWN
	 * @param clock the clock that times reconnects and lag
	 */
	public VStreamHealthContributor(Supplier<? extends Collection<VStreamContainer>> containers,
			Duration reconnectTimeout, Clock clock) {
		Assert.notNull(containers, "'containers' must not be null");
		Assert.notNull(reconnectTimeout, "'reconnectTimeout' must not be null");
		Assert.isTrue(!reconnectTimeout.isNegative(), "'reconnectTimeout' must not be negative");
		Assert.notNull(clock, "'clock' must not be null");
		this.containers = containers;
		this.reconnectTimeout = reconnectTimeout;
		this.clock = clock;
	}

	private static Supplier<Collection<VStreamContainer>> copy(Collection<VStreamContainer> containers) {
		Assert.notNull(containers, "'containers' must not be null");
		List<VStreamContainer> fixed = List.copyOf(containers);
		return () -> fixed;
	}

	@Override
	public @Nullable HealthContributor getContributor(String name) {
		for (VStreamContainer container : this.containers.get()) {
			if (componentName(container.getId()).equals(name)) {
				return indicatorFor(container);
			}
		}
		return null;
	}

	@Override
	public Stream<Entry> stream() {
		return this.containers.get()
			.stream()
			.map((container) -> new Entry(componentName(container.getId()), indicatorFor(container)));
	}

	/**
	 * The name of a stream's health component: its id, except that a shard stream's
	 * {@code <id>@<keyspace>/<shard>} becomes {@code <id>@<keyspace>:<shard>} (Vitess's
	 * own way to name a shard), since a {@code /} would split the health path.
	 * @param streamId the stream id
	 * @return the component name
	 */
	public static String componentName(String streamId) {
		return streamId.replace('/', ':');
	}

	private VStreamHealthIndicator indicatorFor(VStreamContainer container) {
		// Nothing to keep between checks: the stream itself dates its reconnect.
		return new VStreamHealthIndicator(container, this.reconnectTimeout, this.clock);
	}

}
