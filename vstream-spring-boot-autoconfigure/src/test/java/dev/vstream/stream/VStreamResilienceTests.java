package dev.vstream.stream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VGtid;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.position.ShardPosition;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.test.RecordingOffsets;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.Status;
import io.vitess.proto.Topodata.TabletType;
import io.vitess.proto.Vtgate.VStreamResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.util.backoff.FixedBackOff;

import static dev.vstream.test.StreamFixture.STAYS;
import static dev.vstream.test.vtgate.Events.begin;
import static dev.vstream.test.vtgate.Events.commit;
import static dev.vstream.test.vtgate.Events.copied;
import static dev.vstream.test.vtgate.Events.copyCompleted;
import static dev.vstream.test.vtgate.Events.copying;
import static dev.vstream.test.vtgate.Events.corderFields;
import static dev.vstream.test.vtgate.Events.customerShards;
import static dev.vstream.test.vtgate.Events.insert;
import static dev.vstream.test.vtgate.Events.journal;
import static dev.vstream.test.vtgate.Events.response;
import static dev.vstream.test.vtgate.Events.row;
import static dev.vstream.test.vtgate.Events.shardCopyCompleted;
import static dev.vstream.test.vtgate.Events.splitJournal;
import static dev.vstream.test.vtgate.Events.vgtid;
import static dev.vstream.test.vtgate.Events.vgtidEvent;
import static dev.vstream.test.vtgate.Events.vtgateHeartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Resharding journals, heartbeats, copy-phase resume after a transient error and the
 * permanent/transient classification of vtgate's errors, against a scripted vtgate that
 * sends the event shapes a real vtgate (v0.24) sends.
 */
class VStreamResilienceTests {

	private final StreamFixture<RecordingOffsets> fixture = StreamFixture.recording();

	private final OrderRecorder orders = new OrderRecorder();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	/** Resharding journals, with and without {@code stop_on_reshard}. */
	@Nested
	class Resharding {

		@Test
		void stopOnReshardJournalFailsTheStreamWithoutReconnectingOrMovingPastTheJournal() {
			VGtid beforeJournal = customerShards("MariaDB/0-1-10", "MariaDB/0-1-10", "-80", "80-");
			VGtid afterJournal = customerShards("MariaDB/0-1-11", "MariaDB/0-1-10", "-80", "80-");
			// As vtgate sends it with stop_on_reshard: the JOURNAL, then the VGTID and
			// COMMIT of the journal's own transaction, then (once every participant saw
			// it) the end of the stream.
			vtgate().thenComplete(response(begin(), corderFields("customer", "-80"),
					insert("customer", "-80", "corder", row(1, 1, "apple", "1.50")), vgtidEvent(beforeJournal),
					commit()), response(journal("customer", "-80"), vgtidEvent(afterJournal), commit()));
			VStreamContainer container = start("customer", true, StartPosition.CURRENT);

			await().until(() -> container.getState() == StreamState.FAILED);
			assertThat(container.getLastError()).hasMessageContaining("resharded")
				.hasMessageContaining("[customer/-80, customer/80-]")
				.hasMessageContaining("[customer/-40, customer/40-80, customer/80-c0, customer/c0-]")
				.hasMessageContaining("stop-on-reshard");
			assertThat(orders().ids()).containsExactly(1L);
			assertThat(offsets().load("test")).contains(StreamPosition.of(beforeJournal));
			assertThat(offsets().saved).doesNotContain(StreamPosition.of(afterJournal));
			assertThat(container.getPosition()).isEqualTo(StreamPosition.of(beforeJournal));
			// no silent reconnect to the retired shards
			await().during(STAYS).atMost(STAYS.multipliedBy(3)).until(() -> vtgate().requests().size() == 1);
			assertThat(container.getReconnects()).isZero();
			assertThat(container.isRunning()).isFalse();
			assertThat(vtgate().requests().get(0).getFlags().getStopOnReshard()).isTrue();
		}

		@Test
		void stopOnReshardJournalOfOneRetiredShardSavesTheNewShardsPositions() {
			// -80 split into -40,40-80, 80- stays: the only participant reached the
			// journal, so the new shards can stand in for it (as vtgate does when it
			// follows), and a restart works even after the old shard was deleted.
			VGtid beforeJournal = customerShards("MariaDB/0-1-10", "MariaDB/0-1-10", "-80", "80-");
			VGtid afterJournal = customerShards("MariaDB/0-1-11", "MariaDB/0-1-10", "-80", "80-");
			vtgate().thenComplete(response(begin(), corderFields("customer", "-80"),
					insert("customer", "-80", "corder", row(1, 1, "apple", "1.50")), vgtidEvent(beforeJournal),
					commit()), response(splitJournal("customer"), vgtidEvent(afterJournal), commit()));
			VStreamContainer container = start("customer", true, StartPosition.CURRENT);

			await().until(() -> container.getState() == StreamState.FAILED);
			StreamPosition newShards = StreamPosition
				.of(customerShards("MariaDB/0-1-10", "MariaDB/0-2-5", "80-", "-40").toBuilder()
					.addShardGtids(customerShards("MariaDB/0-3-6", "", "40-80").getShardGtids(0))
					.build());
			assertThat(container.getLastError()).hasMessageContaining("[customer/-80]")
				.hasMessageContaining("[customer/-40, customer/40-80]")
				.hasMessageContaining("names the new shards")
				.hasMessageContaining("restart the stream");
			assertThat(orders().ids()).containsExactly(1L);
			assertThat(offsets().load("test")).contains(newShards);
			assertThat(offsets().saved).doesNotContain(StreamPosition.of(afterJournal));
			assertThat(container.getPosition()).isEqualTo(newShards);
			await().during(STAYS).atMost(STAYS.multipliedBy(3)).until(() -> vtgate().requests().size() == 1);
			assertThat(container.isRunning()).isFalse();
		}

		@Test
		void withoutStopOnReshardTheNewShardsReplaceTheOldOnesInTheSavedPositionAndOnReconnect() {
			VGtid oldShards = customerShards("MariaDB/0-1-10", "MariaDB/0-1-10", "-80", "80-");
			// vtgate handles the journal itself (it never reaches the client) and streams
			// the new shards; the next VGTID lists them instead of the old ones.
			VGtid newShards = customerShards("MariaDB/0-1-20", "MariaDB/0-1-20", "-40", "40-80", "80-c0", "c0-");
			vtgate().thenFail(Status.UNAVAILABLE.withDescription("vtgate restarting"),
					response(begin(), corderFields("customer", "-80"),
							insert("customer", "-80", "corder", row(1, 1, "apple", "1.50")), vgtidEvent(oldShards),
							commit()),
					response(begin(), corderFields("customer", "-40"),
							insert("customer", "-40", "corder", row(2, 1, "pear", "2.50")), vgtidEvent(newShards),
							commit()));
			VStreamContainer container = start("customer", false, StartPosition.CURRENT);

			await().until(() -> vtgate().requests().size() == 2);
			assertThat(orders().ids()).containsExactly(1L, 2L);
			StreamPosition saved = offsets().load("test").orElseThrow();
			assertThat(saved.shards()).extracting(ShardPosition::shard).containsExactly("-40", "40-80", "80-c0", "c0-");
			assertThat(vtgate().requests().get(0).getFlags().getStopOnReshard()).isFalse();
			assertThat(vtgate().requests().get(1).getVgtid()).isEqualTo(newShards);
			await().until(() -> container.getState() == StreamState.STARTING
					|| container.getState() == StreamState.STREAMING);
			assertThat(container.getReconnects()).isEqualTo(1);
		}

	}

	/** Heartbeats move and save nothing by themselves. */
	@Nested
	class Heartbeats {

		@Test
		void heartbeatsNeitherSaveNorMoveThePosition() {
			VGtid saved = vgtid("commerce", "0", "MariaDB/0-1-42");
			offsets().save("test", StreamPosition.of(saved));
			offsets().saved.clear();
			// vtgate's own heartbeat (it drops the tablets'): type, timestamp and current
			// time only
			vtgate().thenSend(response(vtgateHeartbeat()), response(vtgateHeartbeat()), response(vtgateHeartbeat()));
			VStreamContainer container = start(false);

			await().until(() -> container.getEventsReceived() == 3);
			await().during(STAYS)
				.atMost(STAYS.multipliedBy(3))
				.until(() -> offsets().saved.isEmpty() && StreamPosition.of(saved).equals(container.getPosition()));
			assertThat(offsets().load("test")).contains(StreamPosition.of(saved));
			assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
			assertThat(container.getLastEventTime()).isNotNull();
		}

		@Test
		void heartbeatOnAStreamStartedAtCurrentSavesNothing() {
			vtgate().thenSend(response(vtgateHeartbeat()), response(vtgateHeartbeat()));
			VStreamContainer container = start(false);
			await().until(() -> container.getEventsReceived() == 2);
			await().during(STAYS).atMost(STAYS.multipliedBy(3)).until(() -> offsets().saved.isEmpty());
			assertThat(offsets().load("test")).isEmpty();
		}

		@Test
		void heartbeatInsideATransactionDoesNotCommitItsHalf() {
			VGtid first = vgtid("commerce", "0", "MariaDB/0-1-10");
			VGtid second = vgtid("commerce", "0", "MariaDB/0-1-11");
			vtgate().thenFail(Status.UNAVAILABLE.withDescription("connection reset"),
					response(begin(), corderFields("commerce", "0"),
							insert("commerce", "0", "corder", row(1, 7, "apple", "1.50")), vgtidEvent(first), commit()),
					response(begin(), insert("commerce", "0", "corder", row(2, 7, "pear", "2.50"))),
					response(vtgateHeartbeat()), response(vtgateHeartbeat()))
				.thenSend(response(begin(), corderFields("commerce", "0"),
						insert("commerce", "0", "corder", row(2, 7, "pear", "2.50")),
						insert("commerce", "0", "corder", row(3, 7, "plum", "3.50")), vgtidEvent(second), commit()));
			VStreamContainer container = start(false);

			await().untilAsserted(() -> assertThat(offsets().load("test")).contains(StreamPosition.of(second)));
			assertThat(vtgate().requests().get(1).getVgtid()).isEqualTo(first);
			assertThat(offsets().saved).containsExactly(StreamPosition.of(first), StreamPosition.of(second));
			// the unfinished transaction is the only thing delivered twice
			assertThat(orders().ids()).containsExactly(1L, 2L, 2L, 3L);
			assertThat(container.getReconnects()).isEqualTo(1);
		}

	}

	/** The copy phase resumes after a transient error. */
	@Nested
	class CopyPhase {

		@Test
		void transientErrorDuringTheCopyResumesFromTheLastPrimaryKeyHandled() {
			VGtid start = vgtid("commerce", "0", "MariaDB/0-1-899");
			VGtid copiedTo3 = copying("MariaDB/0-1-899", 3);
			VGtid copiedTo6 = copying("MariaDB/0-1-899", 6);
			VGtid done = vgtid("commerce", "0", "MariaDB/0-1-899");
			// The shapes of a real copy: BEGIN FIELD | VGTID | ROW... VGTID(table_p_ks)
			// COMMIT
			vtgate()
				.thenFail(Status.UNAVAILABLE.withDescription("vttablet: connection reset"),
						response(begin(), corderFields("commerce", "0")), response(vgtidEvent(start)),
						response(copied(1), copied(2), copied(3), vgtidEvent(copiedTo3), commit()),
						// the next batch is cut off before its VGTID
						response(copied(4), copied(5)))
				.thenSend(response(begin(), corderFields("commerce", "0")), response(vgtidEvent(copiedTo3)),
						response(copied(4), copied(5), copied(6), vgtidEvent(copiedTo6), commit()),
						response(begin(), vgtidEvent(done), commit()),
						response(shardCopyCompleted("commerce", "0"), copyCompleted()));
			VStreamContainer container = start(false, StartPosition.COPY);

			await().untilAsserted(() -> assertThat(offsets().load("test")).contains(StreamPosition.of(done)));
			assertThat(vtgate().requests()).hasSize(2);
			assertThat(vtgate().requests().get(0).getVgtid().getShardGtids(0).getTablePKsCount()).isZero();
			// the request after the reconnect carries the last primary key handled
			VGtid resumed = vtgate().requests().get(1).getVgtid();
			assertThat(resumed).isEqualTo(copiedTo3);
			assertThat(resumed.getShardGtids(0).getTablePKs(0).getLastpk().getRows(0).getValues().toStringUtf8())
				.isEqualTo("3");
			assertThat(offsets().saved).startsWith(StreamPosition.of(copiedTo3));
			assertThat(offsets().saved).contains(StreamPosition.of(copiedTo6));
			// only the batch cut off before its position arrives twice
			assertThat(orders().ids()).containsExactly(1L, 2L, 3L, 4L, 5L, 4L, 5L, 6L);
			await().until(() -> container.getState() == StreamState.STREAMING);
			assertThat(container.getPosition().isCopying()).isFalse();
		}

	}

	/** Which of vtgate's errors fail the stream and which are retried. */
	@Nested
	class ErrorClassification {

		@Test
		void unknownKeyspaceAsTheRealVtgateReportsItFailsTheStream() {
			// verbatim from vtgate v0.24.4 for a VGtid naming keyspace "nope" without a
			// shard; asked, vtgate confirms that it has no such keyspace
			vtgate().withUnknownKeyspace("nope")
				.thenFail(Status.UNKNOWN.withDescription("failed to resolve vstream parameters: failed to get "
						+ "shards in keyspace nope: keyspace nope fetch error: node doesn't exist: keyspaces/nope/SrvKeyspace"));
			VStreamContainer container = start(false);
			await().until(() -> container.getState() == StreamState.FAILED);
			assertThat(container.getLastError()).hasMessageContaining("keyspace nope");
			await().during(STAYS).atMost(STAYS.multipliedBy(3)).until(() -> vtgate().requests().size() == 1);
			assertThat(container.getReconnects()).isZero();
		}

		@Test
		void keyspaceErrorIsRetriedWhileVtgateStillHasTheKeyspace() {
			// The topology server briefly unreachable or a keyspace record being
			// rewritten: vtgate lists the keyspace when asked, so the stream retries.
			vtgate()
				.thenFail(Status.UNKNOWN.withDescription("failed to resolve vstream parameters: failed to get shards "
						+ "in keyspace commerce: node doesn't exist: keyspaces/commerce/SrvKeyspace"))
				.thenSend(oneOrder());
			VStreamContainer container = start(false);
			await().untilAsserted(() -> assertThat(orders().ids()).containsExactly(1L));
			assertThat(container.getReconnects()).isEqualTo(1);
		}

		@Test
		void reconnectIsDatedFromTheFirstFailureUntilVtgateAnswersAgain() {
			vtgate().thenFail(Status.UNAVAILABLE.withDescription("vtgate restarting"))
				.thenFail(Status.UNAVAILABLE.withDescription("vtgate restarting"))
				.thenSend(oneOrder());
			// Each reading of the clock a second later than the one before: the first
			// failure is dated T0, the second T0 + 1 s.
			Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
			AtomicInteger readings = new AtomicInteger();
			Clock ticking = new Clock() {

				@Override
				public Instant instant() {
					return t0.plusSeconds(readings.getAndIncrement());
				}

				@Override
				public ZoneId getZone() {
					return ZoneOffset.UTC;
				}

				@Override
				public Clock withZone(ZoneId zone) {
					return this;
				}

			};
			VStreamSettings settings = new VStreamSettings("test", "commerce", StartPosition.CURRENT,
					TabletType.PRIMARY, Duration.ofSeconds(1), false, new FixedBackOff(300, Long.MAX_VALUE), List.of());
			DefaultVStreamContainer container = VStreamResilienceTests.this.fixture.container(settings,
					VStreamErrorHandler.stopStream(),
					VStreamResilienceTests.this.fixture.endpoint("orders", "corder", orders(), "on"));
			container.setClock(ticking);
			VStreamResilienceTests.this.fixture.start(container);

			await().pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
				assertThat(container.getReconnects()).isEqualTo(2);
				assertThat(container.getReconnectingSince()).isEqualTo(t0);
			});
			await().untilAsserted(() -> assertThat(orders().ids()).containsExactly(1L));
			assertThat(container.getReconnectingSince()).isNull();
		}

		/**
		 * What vtgate answers while a tablet restarts, a primary is switched or traffic
		 * moves in a reshard: none of it may fail the stream.
		 */
		@ParameterizedTest
		@EnumSource(value = Status.Code.class, names = { "NOT_FOUND", "FAILED_PRECONDITION", "UNKNOWN", "INTERNAL",
				"ABORTED", "CANCELLED", "DEADLINE_EXCEEDED", "UNAVAILABLE", "RESOURCE_EXHAUSTED" })
		void failoverErrorsAreRetried(Status.Code code) {
			vtgate()
				.thenFail(Status.fromCode(code)
					.withDescription("persistent error in vstream for commerce/0 on tablet zone1-0000000100; giving "
							+ "up: failed to find a PRIMARY tablet for VStream in commerce/0 within the zone1 cell(s)"))
				.thenSend(oneOrder());
			VStreamContainer container = start(false);
			await().untilAsserted(() -> assertThat(orders().ids()).containsExactly(1L));
			assertThat(container.getReconnects()).isEqualTo(1);
			assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
		}

		@Test
		void refusedCredentialsFailTheStreamSayingWhatToCheck() {
			vtgate().thenFail(Status.UNAUTHENTICATED.withDescription("invalid credentials"));
			VStreamContainer container = start(false);
			await().until(() -> container.getState() == StreamState.FAILED);
			assertThat(container.getLastError()).hasMessageContaining("invalid credentials")
				.hasMessageContaining("vstream.vtgate.username");
			assertThat(vtgate().requests()).hasSize(1);
		}

		@Test
		void shardsTheKeyspaceNoLongerHasFailTheStreamSayingHowToCopyAgain() {
			vtgate().thenFail(Status.FAILED_PRECONDITION.withDescription(
					"failed to determine if keyspace commerce has been resharded: shard provided in VGTID, 0, not "
							+ "found in the commerce keyspace"));
			VStreamContainer container = start(false);
			await().until(() -> container.getState() == StreamState.FAILED);
			assertThat(container.getLastError()).hasMessageContaining("no longer has")
				.hasMessageContaining("\"position\":\"copy\"");
			assertThat(vtgate().requests()).hasSize(1);
		}

		@Test
		void purgedBinaryLogsFailTheStreamSayingHowToCopyAgain() {
			// MariaDB's error 1236, as vttablet passes it on
			vtgate().thenFail(Status.UNKNOWN.withDescription("vttablet: rpc error: code = Unknown desc = stream "
					+ "(at source tablet) error @ 0-1-42: Could not find GTID state requested by slave in any binlog "
					+ "files. Probably the slave state is too old and required binlog files have been purged."));
			VStreamContainer container = start(false);
			await().until(() -> container.getState() == StreamState.FAILED);
			assertThat(container.getLastError()).hasMessageContaining("binary logs")
				.hasMessageContaining("reset to 'copy'");
			assertThat(vtgate().requests()).hasSize(1);
		}

		@Test
		void otherUnknownErrorsAreRetried() {
			vtgate().thenFail(Status.UNKNOWN.withDescription("vttablet: rpc error: code = Unknown desc = EOF"))
				.thenSend(response(begin(), corderFields("commerce", "0"),
						insert("commerce", "0", "corder", row(1, 7, "apple", "1.50")),
						vgtidEvent(vgtid("commerce", "0", "MariaDB/0-1-5")), commit()));
			VStreamContainer container = start(false);
			await().untilAsserted(() -> assertThat(orders().ids()).containsExactly(1L));
			assertThat(container.getReconnects()).isEqualTo(1);
			assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
		}

	}

	/** What vtgate sends is bounded like a stored position before it is kept. */
	@Nested
	class ReceivedPositions {

		@Test
		void aPositionOfMoreShardsThanAnyKeyspaceHasFailsTheStreamBeforeTheListenerOrAStore() {
			VGtid.Builder huge = VGtid.newBuilder();
			for (int i = 0; i < 5000; i++) {
				huge.addShardGtids(ShardGtid.newBuilder()
					.setKeyspace("commerce")
					.setShard(Integer.toHexString(i))
					.setGtid("MariaDB/0-1-5"));
			}
			vtgate().thenSend(response(begin(), corderFields("commerce", "0"),
					insert("commerce", "0", "corder", row(1, 7, "apple", "1.50")), vgtidEvent(huge.build()), commit()));
			VStreamContainer container = start(false);

			await().until(() -> container.getState() == StreamState.FAILED);
			assertThat(container.getLastError()).hasMessageContaining("received a position it must not keep")
				.hasMessageContaining("5000 shard positions, more than 4096");
			assertThat(orders().ids()).isEmpty();
			assertThat(offsets().saved).isEmpty();
		}

		@Test
		void aShardNameChangedToSomethingVitessNeverNamesFailsTheStream() {
			vtgate().thenSend(oneOrder(),
					response(begin(), insert("commerce", "0", "corder", row(2, 7, "pear", "2.50")),
							vgtidEvent(vgtid("commerce", "../../etc", "MariaDB/0-1-6")), commit()));
			VStreamContainer container = start(false);

			await().until(() -> container.getState() == StreamState.FAILED);
			assertThat(container.getLastError()).hasMessageContaining("shard name '../../etc'");
			assertThat(orders().ids()).containsExactly(1L);
			assertThat(offsets().saved).extracting(StreamPosition::toJson).noneMatch((json) -> json.contains("etc"));
		}

		@Test
		void aShardVtgateDoesNotListIsNotKeptAndTheStreamReconnectsFromThePositionBefore() {
			vtgate().withShards("commerce", "0");
			vtgate().thenSend(oneOrder(),
					response(begin(), insert("commerce", "0", "corder", row(2, 7, "pear", "2.50")),
							vgtidEvent(vgtid("commerce", "zz", "MariaDB/0-1-6")), commit()));
			VStreamContainer container = start(false);

			await().until(() -> vtgate().requests().size() >= 2);
			assertThat(container.getLastError()).hasMessageContaining("FAILED_PRECONDITION")
				.hasMessageContaining("shard commerce/zz, not a shard of its keyspace (vtgate lists commerce [0])")
				.hasMessageContaining("nothing of its transaction was delivered");
			assertThat(vtgate().requests().get(1).getVgtid()).isEqualTo(vgtid("commerce", "0", "MariaDB/0-1-5"));
			assertThat(container.getState()).isNotEqualTo(StreamState.FAILED);
			assertThat(orders().ids()).containsExactly(1L);
			assertThat(offsets().saved).extracting(StreamPosition::toJson).noneMatch((json) -> json.contains("zz"));
		}

		@Test
		void theShardsOfAKeyspaceStartAndAReshardsTargetShardsWithTabletsOnlyAreKept() {
			// vtgate serves 0; the reshard's target shards have tablets, not yet serving.
			vtgate().withShards("commerce", "0").withTablets("commerce", "0", "-80", "80-");
			VGtid resharded = VGtid.newBuilder()
				.addShardGtids(ShardGtid.newBuilder().setKeyspace("commerce").setShard("-80").setGtid("MariaDB/0-2-1"))
				.addShardGtids(ShardGtid.newBuilder().setKeyspace("commerce").setShard("80-").setGtid("MariaDB/0-3-1"))
				.build();
			vtgate().thenSend(oneOrder(), response(begin(), corderFields("commerce", "-80"),
					insert("commerce", "-80", "corder", row(2, 7, "pear", "2.50")), vgtidEvent(resharded), commit()));
			VStreamContainer container = start(false);

			await().until(() -> orders().ids().size() == 2);
			assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
			assertThat(container.getReconnects()).isZero();
			assertThat(container.getPosition()).isEqualTo(StreamPosition.of(resharded));
		}

		@Test
		void theNewShardsOfAReshardJournalAreKeptBeforeVtgateListsThem() {
			vtgate().withShards("customer", "-80", "80-");
			VGtid before = customerShards("MariaDB/0-1-10", "MariaDB/0-1-10", "-80", "80-");
			VGtid after = customerShards("MariaDB/0-1-12", "MariaDB/0-1-11", "-40", "40-80", "80-c0", "c0-");
			vtgate().thenSend(response(begin(), corderFields("customer", "-80"),
					insert("customer", "-80", "corder", row(1, 1, "apple", "1.50")), vgtidEvent(before), commit()),
					response(journal("customer", "-80"), vgtidEvent(before), commit()),
					response(begin(), corderFields("customer", "-40"),
							insert("customer", "-40", "corder", row(2, 1, "pear", "2.50")), vgtidEvent(after),
							commit()));
			VStreamContainer container = start("customer", false, StartPosition.CURRENT);

			await().until(() -> orders().ids().size() == 2);
			assertThat(container.getState()).isEqualTo(StreamState.STREAMING);
			assertThat(container.getReconnects()).isZero();
			assertThat(container.getPosition()).isEqualTo(StreamPosition.of(after));
		}

	}

	private static VStreamResponse oneOrder() {
		return response(begin(), corderFields("commerce", "0"),
				insert("commerce", "0", "corder", row(1, 7, "apple", "1.50")),
				vgtidEvent(vgtid("commerce", "0", "MariaDB/0-1-5")), commit());
	}

	// The nested classes' tests reach the fixture through these.
	private ScriptedVtgate vtgate() {
		return this.fixture.vtgate();
	}

	private RecordingOffsets offsets() {
		return this.fixture.offsets();
	}

	private OrderRecorder orders() {
		return this.orders;
	}

	private VStreamContainer start(boolean stopOnReshard) {
		return start("commerce", stopOnReshard, StartPosition.CURRENT);
	}

	private VStreamContainer start(boolean stopOnReshard, StartPosition startPosition) {
		return start("commerce", stopOnReshard, startPosition);
	}

	private VStreamContainer start(String keyspace, boolean stopOnReshard, StartPosition startPosition) {
		VStreamSettings settings = new VStreamSettings("test", keyspace, startPosition, TabletType.PRIMARY,
				Duration.ofSeconds(1), stopOnReshard, new FixedBackOff(10, Long.MAX_VALUE), List.of());
		return this.fixture.start(this.fixture.container(settings, VStreamErrorHandler.stopStream(),
				this.fixture.endpoint("orders", "corder", this.orders, "on")));
	}

}
