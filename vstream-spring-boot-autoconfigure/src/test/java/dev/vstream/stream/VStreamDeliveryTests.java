package dev.vstream.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

import dev.vstream.listener.ChangeEvent;
import dev.vstream.listener.DefaultVStreamErrorHandler;
import dev.vstream.listener.ErrorRecovery;
import dev.vstream.listener.Operation;
import dev.vstream.listener.RowChange;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.offset.JdbcOffsetRepository;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.offset.OffsetStoreException;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.test.Order;
import dev.vstream.test.RecordingOffsets;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.vtgate.Events;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.Status;
import io.vitess.proto.Topodata.TabletType;
import io.vitess.proto.Vtgate.VStreamResponse;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;
import org.springframework.util.backoff.FixedBackOff;

import static dev.vstream.test.StreamFixture.position;
import static dev.vstream.test.vtgate.Events.begin;
import static dev.vstream.test.vtgate.Events.commit;
import static dev.vstream.test.vtgate.Events.corderFields;
import static dev.vstream.test.vtgate.Events.insert;
import static dev.vstream.test.vtgate.Events.order;
import static dev.vstream.test.vtgate.Events.response;
import static dev.vstream.test.vtgate.Events.transaction;
import static dev.vstream.test.vtgate.Events.vgtid;
import static dev.vstream.test.vtgate.Events.vgtidEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Delivery guarantees of a stream: when positions are saved, what a failing listener
 * costs, and where a stream starts.
 */
class VStreamDeliveryTests {

	private final StreamFixture<InMemoryOffsetRepository> fixture = StreamFixture.inMemory();

	private final ScriptedVtgate vtgate = this.fixture.vtgate();

	/** The containers' offset store: the fixture's, unless a test replaces it. */
	private OffsetRepository offsets = this.fixture.offsets();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	/** When positions are saved. */
	@Nested
	class Checkpoints {

		@Test
		void batchedCheckpointSavesEveryNTransactionsAndOnStop() {
			vtgate().thenSend(transaction(1), transaction(2));
			Recorder recorder = new Recorder();
			DefaultVStreamContainer container = container(endpoint(recorder, "onChange"),
					VStreamErrorHandler.stopStream());
			container.getContainerOptions().setCheckpointPolicy(new CheckpointPolicy(3, Duration.ZERO));
			container.start();
			await().until(() -> position(2).equals(container.getPosition()));
			assertThat(offsets().load("test")).as("two of three transactions: not saved yet").isEmpty();
			container.stop();
			assertThat(offsets().load("test")).as("a graceful stop saves what was handled").contains(position(2));
		}

		@Test
		void batchedCheckpointSavesWhenTheCountIsReached() {
			vtgate().thenSend(transaction(1), transaction(2), transaction(3), transaction(4));
			DefaultVStreamContainer container = container(endpoint(new Recorder(), "onChange"),
					VStreamErrorHandler.stopStream());
			container.getContainerOptions().setCheckpointPolicy(new CheckpointPolicy(3, Duration.ZERO));
			container.start();
			await().until(() -> position(4).equals(container.getPosition()));
			assertThat(offsets().load("test")).contains(position(3));
			assertThat(container.getSavedPosition()).isEqualTo(position(3));
		}

		@Test
		void groupCommitSavesTransactionsThatArriveTogetherOnce() {
			RecordingOffsets recording = new RecordingOffsets();
			useOffsets(recording);
			vtgate().thenSend(together(1, 5), transaction(6));
			DefaultVStreamContainer container = container(endpoint(new Recorder(), "onChange"),
					VStreamErrorHandler.stopStream());
			container.getContainerOptions()
				.setCheckpointPolicy(new CheckpointPolicy(1, Duration.ZERO, 100, Duration.ofMinutes(1)));
			container.start();
			await().until(() -> position(6).equals(container.getSavedPosition()));
			// Five transactions in one response: behind until its end. The sixth may have
			// been waiting then too; either way the first save covers all five.
			assertThat(recording.saved).first().isIn(position(5), position(6));
			assertThat(recording.saved).hasSizeLessThanOrEqualTo(2).last().isEqualTo(position(6));
		}

		@Test
		void groupCommitSavesOnceTheGroupIsFullWhileBehind() {
			RecordingOffsets recording = new RecordingOffsets();
			useOffsets(recording);
			vtgate().thenSend(together(1, 7));
			DefaultVStreamContainer container = container(endpoint(new Recorder(), "onChange"),
					VStreamErrorHandler.stopStream());
			container.getContainerOptions()
				.setCheckpointPolicy(new CheckpointPolicy(1, Duration.ZERO, 3, Duration.ofMinutes(1)));
			container.start();
			await().until(() -> position(7).equals(container.getSavedPosition()));
			assertThat(recording.saved).containsExactly(position(3), position(6), position(7));
		}

		@Test
		void savesWhileTheStreamKeepsUpAreAtLeastTheMinIntervalApart() {
			RecordingOffsets recording = new RecordingOffsets();
			useOffsets(recording);
			// Whether or not the first two arrive together, the last ends with nothing
			// waiting: without the min interval it would be saved at once.
			vtgate().thenSend(transaction(1), transaction(2), transaction(3));
			DefaultVStreamContainer container = container(endpoint(new Recorder(), "onChange"),
					VStreamErrorHandler.stopStream());
			container.getContainerOptions()
				.setCheckpointPolicy(
						new CheckpointPolicy(1, Duration.ZERO, 100, Duration.ofMinutes(1), Duration.ofMinutes(1)));
			container.start();
			await().until(() -> position(3).equals(container.getPosition()));
			assertThat(recording.saved).as("within a minute of the start: put off").isEmpty();
			container.stop();
			assertThat(recording.saved).as("a graceful stop saves what was put off").containsExactly(position(3));
		}

		@Test
		void aSavePutOffIsMadeWhenItsTimeComesThoughNothingElseArrives() {
			RecordingOffsets recording = new RecordingOffsets();
			useOffsets(recording);
			vtgate().thenSend(transaction(1));
			DefaultVStreamContainer container = container(endpoint(new Recorder(), "onChange"),
					VStreamErrorHandler.stopStream());
			container.getContainerOptions()
				.setCheckpointPolicy(
						new CheckpointPolicy(1, Duration.ZERO, 100, Duration.ofMinutes(1), Duration.ofMillis(300)));
			container.start();
			await().until(() -> position(1).equals(container.getSavedPosition()));
			assertThat(container.isRunning()).isTrue();
			assertThat(recording.saved).containsExactly(position(1));
		}

		@Test
		void withoutGroupCommitEveryTransactionOfAResponseIsSaved() {
			RecordingOffsets recording = new RecordingOffsets();
			useOffsets(recording);
			vtgate().thenSend(together(1, 3));
			DefaultVStreamContainer container = container(endpoint(new Recorder(), "onChange"),
					VStreamErrorHandler.stopStream());
			container.start();
			await().until(() -> position(3).equals(container.getSavedPosition()));
			assertThat(recording.saved).containsExactly(position(1), position(2), position(3));
		}

		@Test
		void heartbeatUpdatesLagButNotThePosition() {
			long later = Events.TIMESTAMP + 100;
			vtgate().thenSend(transaction(1), response(Events.heartbeat().toBuilder().setTimestamp(later).build()));
			DefaultVStreamContainer container = container(endpoint(new Recorder(), "onChange"),
					VStreamErrorHandler.stopStream());
			container.start();
			await().until(() -> container.getLastHeartbeatTime() != null);
			assertThat(container.getLag(Instant.ofEpochSecond(later + 10))).isEqualTo(Duration.ofSeconds(10));
			assertThat(container.getLastCommitTime()).isEqualTo(Instant.ofEpochSecond(Events.TIMESTAMP));
			assertThat(container.getPosition()).isEqualTo(position(1));
			assertThat(offsets().load("test")).contains(position(1));
		}

		@Test
		void intervalSavesAnIdleStreamsLastTransactionAtVtgatesNextHeartbeat() {
			vtgate().thenSend(transaction(1));
			DefaultVStreamContainer container = container(endpoint(new Recorder(), "onChange"),
					VStreamErrorHandler.stopStream());
			container.getContainerOptions().setCheckpointPolicy(new CheckpointPolicy(1000, Duration.ofMillis(200)));
			container.start();
			await().until(() -> position(1).equals(container.getPosition()));
			// No further transaction: the heartbeats vtgate sends on an idle stream are
			// what the interval is checked on.
			await().until(() -> {
				vtgate().send(response(Events.vtgateHeartbeat()));
				return offsets().load("test").isPresent();
			});
			assertThat(offsets().load("test")).contains(position(1));
		}

	}

	/** What a listener method's Operation and StreamPosition parameters receive. */
	@Nested
	class ListenerArguments {

		@Test
		void operationAndPositionOfEachChangeArePassed() {
			StreamPosition first = StreamPosition.of(vgtid("commerce", "0", "MySQL56/a:1-5"));
			StreamPosition second = StreamPosition.of(vgtid("commerce", "0", "MySQL56/a:1-6"));
			vtgate().thenSend(
					response(begin(), corderFields("commerce", "0"), insert("commerce", "0", "corder", order(1)),
							Events.update("commerce", "0", "corder", order(1), order(11)),
							Events.delete("commerce", "0", "corder", order(2)),
							vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-5")), commit()),
					response(begin(), insert("commerce", "0", "corder", order(3)),
							vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-6")), commit()));
			ArgumentRecorder recorder = new ArgumentRecorder();
			DefaultVStreamContainer container = container(fixture().endpoint("args", "corder", recorder, "on"),
					VStreamErrorHandler.stopStream());
			container.start();
			await().until(() -> recorder.calls.size() == 4);
			assertThat(recorder.calls).containsExactly(new Call(1, Operation.INSERT, first),
					new Call(11, Operation.UPDATE, first), new Call(2, Operation.DELETE, first),
					new Call(3, Operation.INSERT, second));
		}

	}

	/** One transaction for the listener's writes and the position. */
	@Nested
	class SharedTransaction {

		@Test
		void aTransactionIsSavedAsItEndsWhateverTheMinIntervalSoThatABrokenCallRepeatsNothing() {
			DataSource dataSource = effectDatabase();
			JdbcOffsetRepository repository = (JdbcOffsetRepository) offsets();
			vtgate().thenFail(Status.UNAVAILABLE.withDescription("cut"), transaction(1)).thenSend(transaction(2));
			EffectWriter writer = new EffectWriter(new JdbcTemplate(dataSource));
			startInTransactions(writer, dataSource,
					new CheckpointPolicy(1, Duration.ZERO, 100, Duration.ofMinutes(1), Duration.ofMinutes(1)));
			await().until(() -> repository.load("test").equals(Optional.of(position(2))));
			assertThat(writer.calls.get()).as("order 1 was saved before the call broke: not written again")
				.isEqualTo(2);
		}

		@Test
		void listenerWritesAndPositionCommitTogetherAndABrokenTransactionIsRolledBack() {
			DataSource dataSource = effectDatabase();
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			JdbcOffsetRepository repository = (JdbcOffsetRepository) offsets();
			vtgate().thenFail(Status.UNAVAILABLE.withDescription("cut"), transaction(1),
					// the second transaction is cut off after its first row was written
					response(begin(), corderFields("commerce", "0"), insert("commerce", "0", "corder", order(2))))
				.thenSend(transaction(2));
			EffectWriter writer = new EffectWriter(jdbc);
			DefaultVStreamContainer container = startInTransactions(writer, dataSource);
			await().until(() -> repository.load("test").equals(Optional.of(position(2))));
			assertThat(writer.calls.get()).as("order 2 was written twice, once rolled back").isEqualTo(3);
			assertThat(jdbc.queryForList("select order_id from effect order by order_id", Long.class))
				.containsExactly(1L, 2L);
		}

		@Test
		void failingListenerRollsBackItsTransactionsWrites() {
			DataSource dataSource = effectDatabase();
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			JdbcOffsetRepository repository = (JdbcOffsetRepository) offsets();
			vtgate().thenSend(transaction(1),
					response(begin(), corderFields("commerce", "0"), insert("commerce", "0", "corder", order(2)),
							insert("commerce", "0", "corder", order(666)),
							vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-2")), commit()));
			EffectWriter writer = new EffectWriter(jdbc);
			DefaultVStreamContainer container = startInTransactions(writer, dataSource);
			await().until(() -> container.getState() == StreamState.FAILED);
			assertThat(jdbc.queryForList("select order_id from effect", Long.class)).containsExactly(1L);
			assertThat(repository.load("test")).contains(position(1));
		}

	}

	/** What a failing listener costs. */
	@Nested
	class ErrorHandling {

		@Test
		void failedListenerIsRetriedWithBackOffAndTheStreamGoesOn() {
			vtgate().thenSend(transaction(1));
			Recorder recorder = Recorder.failing(2);
			DefaultVStreamContainer container = container(endpoint(recorder, "onChange"), retryThenStop(3));
			container.start();
			await().until(() -> position(1).equals(container.getSavedPosition()));
			assertThat(recorder.calls.get()).isEqualTo(3);
			assertThat(recorder.changes).hasSize(1);
			assertThat(container.isRunning()).isTrue();
		}

		@Test
		void aSuccessOnRetryGoesThroughTheMonitorAndCountsAsHandled() {
			vtgate().thenSend(transaction(1));
			VStreamListenerEndpoint endpoint = endpoint(Recorder.failing(2), "onChange");
			DefaultVStreamContainer container = container(endpoint, retryThenStop(3));
			AtomicInteger observed = new AtomicInteger();
			AtomicInteger handledReported = new AtomicInteger();
			container.setMonitor(new VStreamMonitor() {

				@Override
				public void invoke(VStreamContainer stream, VStreamListenerEndpoint listener, ChangeEvent event,
						Runnable call) {
					observed.incrementAndGet();
					call.run();
				}

				@Override
				public void changeHandled(VStreamContainer stream, VStreamListenerEndpoint listener, ChangeEvent event,
						long nanos, @Nullable Throwable error) {
					if (error == null) {
						handledReported.incrementAndGet();
					}
				}

			});
			container.start();
			await().until(() -> position(1).equals(container.getSavedPosition()));
			assertThat(observed).hasValue(3);
			assertThat(handledReported).hasValue(1);
			assertThat(container.getChangesHandled()).isEqualTo(1);
			assertThat(container.getChangesFailed()).isEqualTo(1);
			assertThat(endpoint.getStatistics().getHandled()).isEqualTo(1);
		}

		@Test
		void retriesSpentStopTheStreamByDefault() {
			vtgate().thenSend(transaction(1));
			Recorder recorder = Recorder.failing(100);
			DefaultVStreamContainer container = container(endpoint(recorder, "onChange"), retryThenStop(2));
			container.start();
			await().until(() -> container.getState() == StreamState.FAILED);
			assertThat(recorder.calls.get()).isEqualTo(3);
			assertThat(offsets().load("test")).isEmpty();
		}

		@Test
		void skipRecoveryMovesOnAndAListenerCanOverrideTheDefault() {
			vtgate().thenSend(transaction(1), transaction(2));
			Recorder recorder = new Recorder();
			recorder.failOrder = 1;
			VStreamListenerEndpoint endpoint = endpoint(recorder, "onChange");
			endpoint.setErrorRecovery(ErrorRecovery.SKIP);
			DefaultVStreamContainer container = container(endpoint,
					new DefaultVStreamErrorHandler(new FixedBackOff(0, 1), ErrorRecovery.STOP, null));
			container.start();
			await().until(() -> position(2).equals(container.getSavedPosition()));
			assertThat(recorder.changes).extracting((c) -> c.after().orderId()).containsExactly(2L);
		}

		@Test
		void oneListenersFailureDoesNotTakeChangesFromAnother() {
			vtgate().thenSend(transaction(1), transaction(2));
			Recorder failing = new Recorder();
			failing.failOrder = 1;
			Recorder healthy = new Recorder();
			VStreamListenerEndpoint skipping = endpoint(failing, "onChange");
			skipping.setErrorRecovery(ErrorRecovery.SKIP);
			VStreamListenerEndpoint other = fixture().endpoint("healthy", "corder", healthy, "onChange");
			DefaultVStreamContainer container = fixture().container(settings(Map.of(), null, false), vtgate().channel(),
					offsets(), List.of(skipping, other),
					new DefaultVStreamErrorHandler(new FixedBackOff(0, 0), ErrorRecovery.STOP, null));
			container.start();
			await().until(() -> position(2).equals(container.getSavedPosition()));
			assertThat(healthy.changes).extracting((c) -> c.after().orderId()).containsExactly(1L, 2L);
			assertThat(failing.changes).extracting((c) -> c.after().orderId()).containsExactly(2L);
		}

		@Test
		void deadLetterRecoveryHandsTheChangeOver() {
			vtgate().thenSend(transaction(1), transaction(2));
			Recorder recorder = new Recorder();
			recorder.failOrder = 1;
			List<ChangeEvent> deadLetters = new CopyOnWriteArrayList<>();
			DefaultVStreamContainer container = container(endpoint(recorder, "onChange"),
					new DefaultVStreamErrorHandler(new FixedBackOff(0, 0), ErrorRecovery.DEAD_LETTER,
							(event, listener, ex) -> deadLetters.add(event)));
			container.start();
			await().until(() -> position(2).equals(container.getSavedPosition()));
			assertThat(deadLetters).singleElement().satisfies((event) -> assertThat(event.after()[0]).isEqualTo(1L));
			assertThat(recorder.changes).extracting((c) -> c.after().orderId()).containsExactly(2L);
		}

	}

	/** Listeners of whole transactions. */
	@Nested
	class WholeTransactions {

		@Test
		void transactionListenerGetsAllRowsOfATransactionInOneCallEvenAcrossResponses() {
			vtgate()
				.thenSend(response(begin(), corderFields("commerce", "0"), insert("commerce", "0", "corder", order(1))),
						response(insert("commerce", "0", "corder", order(2)),
								insert("commerce", "0", "corder", order(3)),
								vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-1")), commit()),
						transaction(4));
			TransactionRecorder recorder = new TransactionRecorder();
			DefaultVStreamContainer container = container(fixture().endpoint("tx", "corder", recorder, "onTransaction"),
					VStreamErrorHandler.stopStream());
			container.start();
			await().until(() -> recorder.transactions.size() == 2);
			assertThat(recorder.transactions.get(0)).extracting((c) -> c.after().orderId()).containsExactly(1L, 2L, 3L);
			assertThat(recorder.transactions.get(1)).extracting((c) -> c.after().orderId()).containsExactly(4L);
			assertThat(recorder.transactions.get(0).get(0).position()).isEqualTo(position(1));
		}

	}

	/** Where a stream starts. */
	@Nested
	class StartPositions {

		@Test
		void explicitStartAndShardSelectionShapeTheFirstRequest() {
			StreamPosition explicit = StreamPosition.of(vgtid("commerce", "0", "MySQL56/a:1-99"));
			container(endpoint(new Recorder(), "onChange"), settings(Map.of(), explicit, false)).start();
			await().until(() -> !vtgate().requests().isEmpty());
			assertThat(vtgate().requests().get(0).getVgtid()).isEqualTo(explicit.toVGtid());
		}

		@Test
		void shardSelectionListsTheShards() {
			container(endpoint(new Recorder(), "onChange"),
					settings(Map.of("commerce", List.of("-80", "80-")), null, false))
				.start();
			await().until(() -> !vtgate().requests().isEmpty());
			assertThat(vtgate().requests().get(0).getVgtid().getShardGtidsList())
				.extracting((sg) -> sg.getKeyspace() + "/" + sg.getShard() + "@" + sg.getGtid())
				.containsExactly("commerce/-80@", "commerce/80-@");
		}

		@Test
		void savedPositionWinsOverTheConfiguredStart() {
			offsets().save("test", position(7));
			container(endpoint(new Recorder(), "onChange"),
					settings(Map.of(), StreamPosition.of(vgtid("commerce", "0", "MySQL56/a:1-99")), false))
				.start();
			await().until(() -> !vtgate().requests().isEmpty());
			assertThat(vtgate().requests().get(0).getVgtid()).isEqualTo(position(7).toVGtid());
		}

		@Test
		void resetOnStartDiscardsTheSavedPosition() {
			offsets().save("test", position(7));
			container(endpoint(new Recorder(), "onChange"), settings(Map.of(), null, true)).start();
			await().until(() -> !vtgate().requests().isEmpty());
			assertThat(vtgate().requests().get(0).getVgtid().getShardGtids(0).getGtid()).isEmpty();
			assertThat(offsets().load("test")).isEmpty();
		}

		@Test
		void positionOfAnotherKeyspaceFailsTheStartAndIsKept() {
			offsets().save("test", StreamPosition.of(vgtid("customer", "-80", "MySQL56/a:1-5")));
			DefaultVStreamContainer container = container(endpoint(new Recorder(), "onChange"),
					VStreamErrorHandler.stopStream());
			assertThatExceptionOfType(VStreamException.class).isThrownBy(container::start)
				.withMessageContaining("[customer]")
				.withMessageContaining("[commerce]");
			assertThat(container.getState()).isEqualTo(StreamState.FAILED);
			assertThat(offsets().load("test")).contains(StreamPosition.of(vgtid("customer", "-80", "MySQL56/a:1-5")));
			assertThat(vtgate().requests()).isEmpty();
		}

		@Test
		void listenerOfATableTheKeyspaceDoesNotHaveFailsTheStartBeforeAnyPositionIsTouched() {
			vtgate().withTables("commerce", "customer", "product");
			offsets().save("test", position(3));
			DefaultVStreamContainer container = container(endpoint(new Recorder(), "onChange"),
					settings(Map.of(), null, true));
			assertThatExceptionOfType(VStreamException.class).isThrownBy(container::start)
				.withMessageContaining("Listener 'onChange'")
				.withMessageContaining("table 'corder'")
				.withMessageContaining("keyspace 'commerce'")
				.withMessageContaining("[customer, product]");
			assertThat(container.getState()).isEqualTo(StreamState.FAILED);
			assertThat(offsets().load("test")).as("not even reset-on-start ran").contains(position(3));
			assertThat(vtgate().requests()).isEmpty();
		}

		@Test
		void listenerOfAnExistingTableStarts() {
			vtgate().withTables("commerce", "CORDER", "customer");
			DefaultVStreamContainer container = container(endpoint(new Recorder(), "onChange"),
					VStreamErrorHandler.stopStream());
			container.start();
			await().until(() -> !vtgate().requests().isEmpty());
			assertThat(container.isRunning()).isTrue();
		}

		@Test
		void unreadableStoredPositionFailsTheStart() {
			useOffsets(new InMemoryOffsetRepository() {
				@Override
				public Optional<StreamPosition> load(String streamId) {
					throw new OffsetStoreException("Stored position of stream 'test' is not a VGtid", null);
				}
			});
			DefaultVStreamContainer container = container(endpoint(new Recorder(), "onChange"),
					VStreamErrorHandler.stopStream());
			assertThatExceptionOfType(VStreamException.class).isThrownBy(container::start)
				.withMessageContaining("cannot be read")
				.withMessageContaining("not a VGtid");
			assertThat(vtgate().requests()).isEmpty();
		}

	}

	// The nested classes' tests reach the fixture through these.
	private StreamFixture<InMemoryOffsetRepository> fixture() {
		return this.fixture;
	}

	/** One response holding the one-row transactions {@code first} to {@code last}. */
	private static VStreamResponse together(long first, long last) {
		VStreamResponse.Builder response = VStreamResponse.newBuilder();
		for (long order = first; order <= last; order++) {
			response.addAllEvents(transaction(order).getEventsList());
		}
		return response.build();
	}

	private ScriptedVtgate vtgate() {
		return this.vtgate;
	}

	private OffsetRepository offsets() {
		return this.offsets;
	}

	private void useOffsets(OffsetRepository offsets) {
		this.offsets = offsets;
	}

	/**
	 * An H2 database holding both a listener's effect table and the offset table, which
	 * becomes this test's offset store.
	 */
	private DataSource effectDatabase() {
		DataSource dataSource = new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2)
			.generateUniqueName(true)
			.build();
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		jdbc.execute("create table effect (order_id bigint)");
		JdbcOffsetRepository repository = new JdbcOffsetRepository(jdbc);
		repository.createTableIfMissing();
		this.offsets = repository;
		return dataSource;
	}

	/** An endpoint on corder named after the listener's method. */
	private VStreamListenerEndpoint endpoint(Object bean, String method) {
		return this.fixture.endpoint(method, "corder", bean, method);
	}

	/**
	 * Retry a failed listener call {@code retries} times, 1 ms apart, then stop the
	 * stream.
	 */
	private static VStreamErrorHandler retryThenStop(long retries) {
		return new DefaultVStreamErrorHandler(new FixedBackOff(1, retries), ErrorRecovery.STOP, null);
	}

	private VStreamSettings settings(Map<String, List<String>> shards, StreamPosition explicitStart,
			boolean resetOnStart) {
		return new VStreamSettings("test", "commerce", StartPosition.COPY, TabletType.PRIMARY, Duration.ZERO, false,
				new FixedBackOff(10, Long.MAX_VALUE), List.of(), List.of(), shards, explicitStart, resetOnStart);
	}

	private DefaultVStreamContainer container(VStreamListenerEndpoint endpoint, VStreamErrorHandler errorHandler) {
		return this.fixture.container(settings(Map.of(), null, false), this.vtgate.channel(), this.offsets,
				List.of(endpoint), errorHandler);
	}

	private DefaultVStreamContainer container(VStreamListenerEndpoint endpoint, VStreamSettings settings) {
		return this.fixture.container(settings, this.vtgate.channel(), this.offsets, List.of(endpoint),
				VStreamErrorHandler.stopStream());
	}

	/**
	 * Start a stream whose listener {@code writer} writes into {@code dataSource} in the
	 * transaction that saves the position.
	 */
	private DefaultVStreamContainer startInTransactions(EffectWriter writer, DataSource dataSource) {
		return startInTransactions(writer, dataSource, CheckpointPolicy.EVERY_TRANSACTION);
	}

	/**
	 * Start a stream whose listener {@code writer} writes into {@code dataSource} in the
	 * transaction that saves the position, under a checkpoint policy.
	 */
	private DefaultVStreamContainer startInTransactions(EffectWriter writer, DataSource dataSource,
			CheckpointPolicy policy) {
		DefaultVStreamContainer container = container(this.fixture.endpoint("writer", "corder", writer, "write"),
				VStreamErrorHandler.stopStream());
		container.getContainerOptions().setCheckpointPolicy(policy);
		container.getContainerOptions().setTransactionManager(new DataSourceTransactionManager(dataSource));
		container.start();
		return container;
	}

	static class Recorder {

		final List<RowChange<Order>> changes = new CopyOnWriteArrayList<>();

		final AtomicInteger calls = new AtomicInteger();

		final AtomicInteger failures = new AtomicInteger();

		volatile long failOrder = -1;

		/** A recorder whose first {@code times} calls fail. */
		static Recorder failing(int times) {
			Recorder recorder = new Recorder();
			recorder.failures.set(times);
			return recorder;
		}

		void onChange(RowChange<Order> change) {
			this.calls.incrementAndGet();
			if (this.failures.getAndDecrement() > 0 || change.after().orderId() == this.failOrder) {
				throw new IllegalStateException("listener failure");
			}
			this.changes.add(change);
		}

	}

	record Call(long orderId, Operation op, StreamPosition position) {
	}

	static class ArgumentRecorder {

		final List<Call> calls = new CopyOnWriteArrayList<>();

		// Operation and position around the row on purpose: parameters are matched by
		// type, not by place.
		void on(Operation op, Order order, StreamPosition position) {
			this.calls.add(new Call(order.orderId(), op, position));
		}

	}

	static class TransactionRecorder {

		final List<List<RowChange<Order>>> transactions = new CopyOnWriteArrayList<>();

		void onTransaction(List<RowChange<Order>> changes) {
			this.transactions.add(changes);
		}

	}

	static class EffectWriter {

		final JdbcTemplate jdbc;

		final AtomicInteger calls = new AtomicInteger();

		EffectWriter(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		void write(Order order) {
			this.calls.incrementAndGet();
			this.jdbc.update("insert into effect (order_id) values (?)", order.orderId());
			if (order.orderId() == 666) {
				throw new IllegalStateException("cannot handle order 666");
			}
		}

	}

}
