package dev.vstream.reshard;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import dev.vstream.reshard.ReshardApplication.Arrival;

import static org.awaitility.Awaitility.await;

/**
 * What {@link ReshardIT}'s apps received, against what the writers committed.
 */
final class Arrivals {

	private Arrivals() {
	}

	/** Wait until every committed row arrived and nothing more comes; then count. */
	static Result arrived(List<Arrival> arrivals, Set<Long> committed) {
		await().atMost(Duration.ofSeconds(60))
			.until(() -> arrivals.stream().map(Arrival::orderId).collect(Collectors.toSet()).containsAll(committed));
		return settled(arrivals, committed);
	}

	/** Wait until nothing more arrives; then count (what is lost may never come). */
	static Result settled(List<Arrival> arrivals, Set<Long> committed) {
		int[] size = { -1 };
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).until(() -> {
			int now = arrivals.size();
			boolean still = now == size[0];
			size[0] = now;
			return still;
		});
		Map<Long, Long> counts = arrivals.stream()
			.collect(Collectors.groupingBy(Arrival::orderId, Collectors.counting()));
		Set<Long> lost = new TreeSet<>(committed);
		lost.removeAll(counts.keySet());
		Set<Long> repeated = counts.entrySet()
			.stream()
			.filter((e) -> e.getValue() > 1)
			.map(Map.Entry::getKey)
			.collect(Collectors.toCollection(TreeSet::new));
		return new Result(lost, repeated, arrivals.size());
	}

	/** The longest time without an arrival from the given shards after a moment. */
	static Duration longestGap(Collection<Arrival> arrivals, Instant from, Predicate<String> shard) {
		List<Instant> times = arrivals.stream()
			.filter((a) -> shard.test(a.shard()) && !a.at().isBefore(from))
			.map(Arrival::at)
			.sorted()
			.toList();
		Duration longest = Duration.ZERO;
		Instant previous = from;
		for (Instant at : times) {
			Duration gap = Duration.between(previous, at);
			if (gap.compareTo(longest) > 0) {
				longest = gap;
			}
			previous = at;
		}
		return longest;
	}

	static void report(String event, Set<Long> committed, Result result, RowWriter writer, Duration operation,
			String more) {
		System.out.println("ReshardIT | " + event + " | committed " + committed.size() + " (ambiguous "
				+ writer.ambiguous.size() + ", of which committed " + writer.ambiguousCommitted + ") | received "
				+ result.received() + " | lost " + result.lost().size() + " | repeated " + result.repeated().size()
				+ " | operation " + operation.toMillis() + " ms | " + more + " | failed writes: " + writer.errors);
	}

	record Result(Set<Long> lost, Set<Long> repeated, int received) {
	}

}
