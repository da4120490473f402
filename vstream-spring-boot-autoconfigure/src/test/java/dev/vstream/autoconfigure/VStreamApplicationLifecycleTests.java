package dev.vstream.autoconfigure;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import binlogdata.Binlogdata.VGtid;
import dev.vstream.annotation.VStreamListener;
import dev.vstream.offset.JdbcOffsetRepository;
import dev.vstream.position.StreamPosition;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.test.Order;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static dev.vstream.test.vtgate.Events.begin;
import static dev.vstream.test.vtgate.Events.commit;
import static dev.vstream.test.vtgate.Events.corderFields;
import static dev.vstream.test.vtgate.Events.insert;
import static dev.vstream.test.vtgate.Events.response;
import static dev.vstream.test.vtgate.Events.row;
import static dev.vstream.test.vtgate.Events.vgtid;
import static dev.vstream.test.vtgate.Events.vgtidEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter as an application sees it: a listener bean receives typed rows from vtgate,
 * the position reaches the offset store before the store closes, and the next start
 * resumes from it.
 */
class VStreamApplicationLifecycleTests {

	@TempDir
	Path directory;

	@Test
	void positionIsSavedOnShutdownAndSentBackOnTheNextStart() {
		String url = "jdbc:h2:file:" + this.directory.resolve("offsets");
		VGtid reached = vgtid("commerce", "0", "MySQL56/a1b2:1-10");
		try (ScriptedVtgate vtgate = new ScriptedVtgate()) {
			vtgate.thenSend(response(begin(), corderFields("commerce", "0"),
					insert("commerce", "0", "corder", row(1, 7, "apple", "1.50")), vgtidEvent(reached), commit()));
			runner(vtgate, url).run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(JdbcOffsetRepository.class);
				Projection projection = context.getBean(Projection.class);
				await().untilAsserted(() -> assertThat(projection.orders).singleElement()
					.satisfies((order) -> assertThat(order.price()).isEqualByComparingTo("1.50")));
				assertThat(context.getBean(VStreamContainer.class).isRunning()).isTrue();
			});
		}
		// The context is closed: the embedded database too. Read what it left behind.
		SingleConnectionDataSource dataSource = new SingleConnectionDataSource(url, "sa", "", true);
		try {
			assertThat(new JdbcOffsetRepository(new JdbcTemplate(dataSource)).load("default"))
				.contains(StreamPosition.of(reached));
		}
		finally {
			dataSource.destroy();
		}
		try (ScriptedVtgate vtgate = new ScriptedVtgate()) {
			runner(vtgate, url).run((context) -> {
				await().until(() -> !vtgate.requests().isEmpty());
				assertThat(vtgate.requests().get(0).getVgtid()).isEqualTo(reached);
			});
		}
	}

	private ApplicationContextRunner runner(ScriptedVtgate vtgate, String url) {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(VStreamAutoConfiguration.class))
			// No copy phase: a start at copy would copy again, as nothing said its copy
			// ended.
			.withPropertyValues("vstream.keyspace=commerce", "vstream.start-position=current",
					"vstream.jdbc.embedded-url=" + url)
			.withBean("vstreamChannel", ManagedChannel.class, vtgate::channel)
			.withBean(Projection.class);
	}

	static class Projection {

		final List<Order> orders = new CopyOnWriteArrayList<>();

		@VStreamListener(table = "corder")
		void on(Order order) {
			this.orders.add(order);
		}

	}

}
