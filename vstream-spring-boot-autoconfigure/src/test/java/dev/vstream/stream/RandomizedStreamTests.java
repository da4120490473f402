package dev.vstream.stream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import binlogdata.Binlogdata.VEvent;
import binlogdata.Binlogdata.VGtid;
import com.google.protobuf.ByteString;
import dev.vstream.listener.DefaultVStreamErrorHandler;
import dev.vstream.listener.ListenerMethodAdapter;
import dev.vstream.listener.RowChange;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.mapping.RowMapperFactory;
import dev.vstream.mapping.RowMappingException;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.test.Order;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.Status;
import io.vitess.proto.Query;
import io.vitess.proto.Topodata.TabletType;
import io.vitess.proto.Vtgate.VStreamResponse;
import org.junit.jupiter.api.Test;

import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.util.backoff.FixedBackOff;

import static dev.vstream.test.vtgate.Events.begin;
import static dev.vstream.test.vtgate.Events.commit;
import static dev.vstream.test.vtgate.Events.corderFields;
import static dev.vstream.test.vtgate.Events.heartbeat;
import static dev.vstream.test.vtgate.Events.insert;
import static dev.vstream.test.vtgate.Events.vgtid;
import static dev.vstream.test.vtgate.Events.vgtidEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Seeded random event sequences: valid transactions with random bytes in a text column,
 * split into responses at random, with tolerated oddities (duplicate BEGIN, stray COMMIT,
 * heartbeats), a random connection break and at most one random corruption. Whatever the
 * mix, the saved position is only ever one vtgate sent after transactions whose rows were
 * all handled, every change before it was delivered, and the stream either catches up or
 * fails cleanly. A failing case names its seed; {@code -Dvstream.fuzz.seed=N} replays it
 * first.
 */
class RandomizedStreamTests {

	private static final int RUNS = 400;

	private static final String[] CORRUPTIONS = { "truncated-values", "extra-length", "letters-in-a-number",
			"row-of-a-shard-without-field", "vgtid-of-another-keyspace", "lengths-that-wrap" };

	private final RowMapperFactory mappers = new RowMapperFactory(new DefaultConversionService());

	@Test
	void savedPositionNeverPassesUnhandledChanges() {
		long base = Long.getLong("vstream.fuzz.seed", 20_261_124L);
		Set<String> seen = new LinkedHashSet<>();
		for (int run = 0; run < RUNS; run++) {
			long seed = base + run;
			seen.add(check(seed));
		}
		// the loop must have exercised the clean path and every corruption, or it proves
		// little
		assertThat(seen).contains("none").contains(CORRUPTIONS);
	}

	/**
	 * @return the corruption this seed applied, or "none"
	 */
	private String check(long seed) {
		Random random = new Random(seed);
		Scenario scenario = new Scenario(random);
		Orders orders = new Orders();
		RecordingOffsets offsets = new RecordingOffsets(orders);
		try (ScriptedVtgate vtgate = new ScriptedVtgate()) {
			scenario.script(vtgate);
			VStreamContainer container = start(vtgate, offsets, orders);
			try {
				String context = "seed " + seed + " " + scenario;
				if (scenario.corruptAt >= 0) {
					await(context).atMost(Duration.ofSeconds(10))
						.pollInterval(Duration.ofMillis(5))
						.until(() -> container.getState() == StreamState.FAILED);
					assertThat(container.getLastError()).as(context)
						.isInstanceOfAny(VStreamException.class, RowMappingException.class);
					assertThat(container.getLastError().getMessage()).as(context).isNotBlank();
				}
				else {
					VGtid last = scenario.vgtids.get(scenario.vgtids.size() - 1);
					await(context).atMost(Duration.ofSeconds(10))
						.pollInterval(Duration.ofMillis(5))
						.until(() -> offsets.load("test").equals(Optional.of(StreamPosition.of(last))));
					assertThat(container.getState()).as(context).isEqualTo(StreamState.STREAMING);
				}
				int handledTransactions = (scenario.corruptAt >= 0) ? scenario.corruptAt : scenario.ids.size();
				// everything before the corruption was delivered, in order, and its end
				// saved
				List<Long> expected = new ArrayList<>();
				for (int t = 0; t < handledTransactions; t++) {
					expected.addAll(scenario.ids.get(t));
				}
				List<Long> firstDeliveries = new ArrayList<>(new LinkedHashSet<>(orders.ids()));
				assertThat(firstDeliveries.size()).as(context).isGreaterThanOrEqualTo(expected.size());
				assertThat(firstDeliveries.subList(0, expected.size())).as(context).isEqualTo(expected);
				Optional<StreamPosition> saved = offsets.load("test");
				if (handledTransactions > 0) {
					assertThat(saved).as(context)
						.contains(StreamPosition.of(scenario.vgtids.get(handledTransactions - 1)));
				}
				else {
					assertThat(saved).as(context).isEmpty();
				}
				// each save covered only transactions whose every row had been handled
				for (Save save : offsets.saves) {
					int index = scenario.vgtids.indexOf(save.position().toVGtid());
					assertThat(index).as(context + " saved an unknown position " + save.position())
						.isBetween(0, handledTransactions - 1);
					for (int t = 0; t <= index; t++) {
						assertThat(save.delivered()).as(context + " save of " + save.position())
							.containsAll(scenario.ids.get(t));
					}
				}
				if (scenario.broke && scenario.breakAfterCommits > 0 && vtgate.requests().size() > 1) {
					assertThat(vtgate.requests().get(1).getVgtid()).as(context)
						.isEqualTo(scenario.vgtids.get(scenario.breakAfterCommits - 1));
				}
				return scenario.corruptionName;
			}
			finally {
				container.stop();
			}
		}
	}

	private VStreamContainer start(ScriptedVtgate vtgate, OffsetRepository offsets, Orders orders) {
		VStreamSettings settings = new VStreamSettings("test", "commerce", StartPosition.CURRENT, TabletType.PRIMARY,
				Duration.ofSeconds(1), false, new FixedBackOff(1, Long.MAX_VALUE), List.of());
		VStreamListenerEndpoint endpoint;
		try {
			endpoint = new VStreamListenerEndpoint("orders", "", "corder", Set.of(), true, new ListenerMethodAdapter(
					orders, Orders.class.getDeclaredMethod("on", RowChange.class), this.mappers));
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
		VStreamContainer container = StreamFixture.newContainer(settings, vtgate.channel(), offsets,
				() -> List.of(endpoint), new DefaultVStreamErrorHandler());
		container.start();
		return container;
	}

	/**
	 * One random stream: transactions, how they are cut into responses, a break and a
	 * corruption.
	 */
	private static final class Scenario {

		private final Random random;

		final List<List<Long>> ids = new ArrayList<>();

		final List<VGtid> vgtids = new ArrayList<>();

		private final List<List<Query.Row>> rows = new ArrayList<>();

		final int corruptAt;

		final String corruptionName;

		private final int corruptRow;

		/** How many transactions the first call commits before it breaks. */
		int breakAfterCommits;

		boolean broke;

		Scenario(Random random) {
			this.random = random;
			int transactions = 1 + random.nextInt(6);
			long id = 1;
			for (int t = 0; t < transactions; t++) {
				List<Long> txIds = new ArrayList<>();
				List<Query.Row> txRows = new ArrayList<>();
				for (int r = 0, n = 1 + random.nextInt(3); r < n; r++) {
					txIds.add(id);
					txRows.add(validRow(id++));
				}
				this.ids.add(txIds);
				this.rows.add(txRows);
				this.vgtids.add(vgtid("commerce", "0", "MariaDB/0-1-" + (t + 1)));
			}
			if (random.nextInt(3) > 0) {
				this.corruptAt = random.nextInt(transactions);
				this.corruptionName = CORRUPTIONS[random.nextInt(CORRUPTIONS.length)];
				this.corruptRow = random.nextInt(this.rows.get(this.corruptAt).size() + 1);
			}
			else {
				this.corruptAt = -1;
				this.corruptionName = "none";
				this.corruptRow = -1;
			}
		}

		/** Real ids and numbers, random bytes (not always valid UTF-8) as the sku. */
		private Query.Row validRow(long id) {
			byte[] sku = new byte[this.random.nextInt(12)];
			this.random.nextBytes(sku);
			return row(ascii(Long.toString(id)), ascii(Long.toString(this.random.nextInt(100))), sku,
					ascii(this.random.nextInt(1000) + ".25"));
		}

		/**
		 * A row whose lengths add up to its size only modulo 2^64 and, cast to int, read
		 * one byte past it: with an empty sku, the price takes a byte left in the decode
		 * buffer by an earlier row.
		 */
		private Query.Row wrappingLengths() {
			byte[] id = ascii("1");
			byte[] customer = ascii("7");
			byte[] price = ascii(this.random.nextInt(1000) + ".25");
			long big = 1L << 62;
			return Query.Row.newBuilder()
				.addLengths(big + id.length)
				.addLengths(big + customer.length)
				.addLengths(big + 0xFFFFFFFFL)
				.addLengths(big + price.length + 1 - (1L << 32))
				.setValues(ByteString.copyFrom(id)
					.concat(ByteString.copyFrom(customer))
					.concat(ByteString.copyFrom(price)))
				.build();
		}

		private static byte[] ascii(String text) {
			return text.getBytes(StandardCharsets.US_ASCII);
		}

		private static Query.Row row(byte[]... values) {
			Query.Row.Builder row = Query.Row.newBuilder();
			ByteString bytes = ByteString.EMPTY;
			for (byte[] value : values) {
				row.addLengths(value.length);
				bytes = bytes.concat(ByteString.copyFrom(value));
			}
			return row.setValues(bytes).build();
		}

		private List<VEvent> transaction(int t, boolean first) {
			List<VEvent> events = new ArrayList<>();
			events.add(begin());
			if (this.random.nextInt(4) == 0) {
				events.add(begin());
			}
			if (first) {
				events.add(corderFields("commerce", "0"));
			}
			List<Query.Row> txRows = this.rows.get(t);
			VGtid position = this.vgtids.get(t);
			for (int r = 0; r <= txRows.size(); r++) {
				if (t == this.corruptAt && r == this.corruptRow) {
					switch (this.corruptionName) {
						case "truncated-values" -> {
							Query.Row whole = validRow(-1);
							events.add(insert("commerce", "0", "corder",
									whole.toBuilder().setValues(whole.getValues().substring(1)).build()));
						}
						case "extra-length" -> events
							.add(insert("commerce", "0", "corder", validRow(-1).toBuilder().addLengths(1).build()));
						case "lengths-that-wrap" -> events.add(insert("commerce", "0", "corder", wrappingLengths()));
						case "letters-in-a-number" -> events.add(insert("commerce", "0", "corder",
								row(ascii("abc"), ascii("7"), ascii("x"), ascii("1.00"))));
						case "row-of-a-shard-without-field" ->
							events.add(insert("commerce", "-80", "corder", validRow(-1)));
						case "vgtid-of-another-keyspace" -> position = vgtid("customer", "-80", "MariaDB/0-1-99");
						default -> throw new IllegalStateException(this.corruptionName);
					}
				}
				if (r < txRows.size()) {
					events.add(insert("commerce", "0", "corder", txRows.get(r)));
				}
			}
			events.add(vgtidEvent(position));
			events.add(commit());
			if (this.random.nextInt(5) == 0) {
				events.add(commit());
			}
			if (this.random.nextInt(5) == 0) {
				events.add(heartbeat());
			}
			return events;
		}

		private List<VStreamResponse> responses(int from, int to) {
			List<VEvent> events = new ArrayList<>();
			for (int t = from; t < to; t++) {
				events.addAll(transaction(t, t == from));
			}
			List<VStreamResponse> responses = new ArrayList<>();
			VStreamResponse.Builder current = VStreamResponse.newBuilder();
			for (VEvent event : events) {
				current.addEvents(event);
				if (this.random.nextInt(3) == 0) {
					responses.add(current.build());
					current = VStreamResponse.newBuilder();
				}
			}
			if (current.getEventsCount() > 0) {
				responses.add(current.build());
			}
			return responses;
		}

		void script(ScriptedVtgate vtgate) {
			int transactions = this.ids.size();
			List<VStreamResponse> all = responses(0, transactions);
			if (this.random.nextBoolean()) {
				// The first call breaks anywhere, mid-transaction too; vtgate resends
				// from the first transaction whose COMMIT the client did not get.
				int cut = this.random.nextInt(all.size());
				List<VStreamResponse> sent = all.subList(0, cut);
				List<VEvent> events = sent.stream().flatMap((r) -> r.getEventsList().stream()).toList();
				int committed = 0;
				for (int i = 0; i + 1 < events.size(); i++) {
					if (events.get(i).getType() == binlogdata.Binlogdata.VEventType.VGTID) {
						committed++;
					}
				}
				this.breakAfterCommits = committed;
				this.broke = true;
				vtgate.thenFail(Status.UNAVAILABLE.withDescription("random break"),
						sent.toArray(VStreamResponse[]::new));
				vtgate.thenSend(responses(committed, transactions).toArray(VStreamResponse[]::new));
			}
			else {
				vtgate.thenSend(all.toArray(VStreamResponse[]::new));
			}
		}

		@Override
		public String toString() {
			return "[" + this.ids.size() + " transactions, corruption " + this.corruptionName + " at " + this.corruptAt
					+ "/" + this.corruptRow + ", break " + this.broke + " after " + this.breakAfterCommits + "]";
		}

	}

	static class Orders {

		final List<Long> ids = new CopyOnWriteArrayList<>();

		void on(RowChange<Order> change) {
			this.ids.add(change.row().orderId());
		}

		List<Long> ids() {
			return this.ids;
		}

	}

	record Save(StreamPosition position, List<Long> delivered) {
	}

	/** Records each save with what had been delivered when it happened. */
	static class RecordingOffsets implements OffsetRepository {

		private final InMemoryOffsetRepository delegate = new InMemoryOffsetRepository();

		private final Orders orders;

		final List<Save> saves = new CopyOnWriteArrayList<>();

		RecordingOffsets(Orders orders) {
			this.orders = orders;
		}

		@Override
		public Optional<StreamPosition> load(String streamId) {
			return this.delegate.load(streamId);
		}

		@Override
		public void save(String streamId, StreamPosition position) {
			this.saves.add(new Save(position, List.copyOf(this.orders.ids())));
			this.delegate.save(streamId, position);
		}

		@Override
		public void delete(String streamId) {
			this.delegate.delete(streamId);
		}

	}

}
