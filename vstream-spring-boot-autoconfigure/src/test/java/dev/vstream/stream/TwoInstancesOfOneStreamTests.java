package dev.vstream.stream;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.offset.JdbcOffsetRepository;
import dev.vstream.offset.PositionConflictException;
import dev.vstream.position.StartPosition;
import dev.vstream.position.StreamPosition;
import dev.vstream.test.Order;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.vitess.proto.Topodata.TabletType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabase;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;
import org.springframework.util.backoff.FixedBackOff;

import static dev.vstream.test.StreamFixture.position;
import static dev.vstream.test.vtgate.Events.transaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of one stream in {@code single} mode, as during a rolling deploy: both
 * stream everything, and the position saves are fenced so that only one of them commits
 * each change's effect, the saved position never moves backwards, and the one that lost
 * stands by and takes over once the other stops.
 */
class TwoInstancesOfOneStreamTests {

	private final EmbeddedDatabase database = new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2)
		.generateUniqueName(true)
		.build();

	private final JdbcTemplate jdbc = new JdbcTemplate(this.database);

	private final StreamFixture<JdbcOffsetRepository> fixture = new StreamFixture<>(
			new JdbcOffsetRepository(this.jdbc));

	private final ScriptedVtgate vtgate = this.fixture.vtgate();

	private final JdbcOffsetRepository offsets = this.fixture.offsets();

	@AfterEach
	void close() {
		this.fixture.close();
		this.database.shutdown();
	}

	@Test
	void instanceThatLostTheRaceRollsBackStandsByAndTakesOverWhenTheOtherStops() {
		this.jdbc.execute("create table effect (order_id bigint, instance varchar(8))");
		this.offsets.createTableIfMissing();
		// Saved by an earlier run; every request then names shard commerce/0.
		this.offsets.save("orders", position(0));
		this.vtgate.thenSend(transaction(1));
		DefaultVStreamContainer old = container("old");
		old.start();
		await().until(() -> this.offsets.load("orders").equals(Optional.of(position(1))));

		// The new instance loads position 1 and holds its first response unhandled
		// (paused) while the old one handles and saves 2 and 3.
		DefaultVStreamContainer next = container("new");
		next.start();
		await().until(() -> this.vtgate.openCallsFor("commerce", "0") == 2);
		next.pause();
		this.vtgate.send(transaction(2), transaction(3));
		await().until(() -> this.offsets.load("orders").equals(Optional.of(position(3))));
		next.resume();

		await().alias("the new instance's save of 2 is refused")
			.until(() -> next.getLastError() instanceof PositionConflictException);
		PositionConflictException conflict = (PositionConflictException) next.getLastError();
		assertThat(conflict.getExpected()).isEqualTo(position(1));
		assertThat(conflict.getStored()).isEqualTo(position(3));
		assertThat(conflict).hasMessageContaining("Another instance with the same vstream.id is running");
		assertThat(this.offsets.load("orders")).as("the position never moves backwards").contains(position(3));
		// It carries on from the stored position: a new call from 3, not from 1 or 2.
		await().until(() -> this.vtgate.requests().size() == 3);
		assertThat(StreamPosition.of(this.vtgate.requests().get(2).getVgtid())).isEqualTo(position(3));
		assertThat(next.isRunning()).isTrue();
		assertThat(effects()).as("every change's effect once: the refused save rolled back the new instance's")
			.containsExactly("1 old", "2 old", "3 old");

		// Rolling deploy: the old instance stops; the new one streams on.
		await().until(() -> this.vtgate.openCallsFor("commerce", "0") == 2);
		old.stop();
		await().until(() -> this.vtgate.openCallsFor("commerce", "0") == 1);
		this.vtgate.send(transaction(4));
		await().until(() -> this.offsets.load("orders").equals(Optional.of(position(4))));
		assertThat(effects()).containsExactly("1 old", "2 old", "3 old", "4 new");
		assertThat(next.getLastError()).isNull();
		assertThat(next.getState()).isEqualTo(StreamState.STREAMING);
	}

	private List<String> effects() {
		return this.jdbc.queryForList("select order_id || ' ' || instance from effect order by order_id", String.class);
	}

	private DefaultVStreamContainer container(String instance) {
		VStreamSettings settings = new VStreamSettings("orders", "commerce", StartPosition.COPY, TabletType.PRIMARY,
				Duration.ZERO, false, new FixedBackOff(10, Long.MAX_VALUE), List.of());
		DefaultVStreamContainer container = this.fixture.container(settings, VStreamErrorHandler.stopStream(),
				this.fixture.endpoint("writer", "corder", new EffectWriter(this.jdbc, instance), "write"));
		container.getContainerOptions()
			.setTransactionManager(new DataSourceTransactionManager((DataSource) this.database));
		return container;
	}

	static class EffectWriter {

		private final JdbcTemplate jdbc;

		private final String instance;

		EffectWriter(JdbcTemplate jdbc, String instance) {
			this.jdbc = jdbc;
			this.instance = instance;
		}

		void write(Order order) {
			this.jdbc.update("insert into effect (order_id, instance) values (?, ?)", order.orderId(), this.instance);
		}

	}

}
