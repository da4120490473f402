package dev.vstream.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.vstream.test.vtgate.Events;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.vitess.proto.Query.Type;
import io.vitess.proto.Vtgate.VStreamRequest;
import io.vitess.proto.Vtgate.VStreamResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.vstream.test.vtgate.Events.begin;
import static dev.vstream.test.vtgate.Events.commit;
import static dev.vstream.test.vtgate.Events.corderFields;
import static dev.vstream.test.vtgate.Events.delete;
import static dev.vstream.test.vtgate.Events.insert;
import static dev.vstream.test.vtgate.Events.response;
import static dev.vstream.test.vtgate.Events.row;
import static dev.vstream.test.vtgate.Events.update;
import static dev.vstream.test.vtgate.Events.vgtid;
import static dev.vstream.test.vtgate.Events.vgtidEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The tail command against a scripted vtgate on a loopback port: the whole application
 * (the starter's auto-configured container and the programmatic listener), as
 * {@code java -jar vstream-cli.jar} runs it.
 */
class VStreamCliTests {

	private final ScriptedVtgate vtgate = ScriptedVtgate.onLoopback().withTables("commerce", "corder", "customer");

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	@AfterEach
	void close() {
		this.vtgate.close();
	}

	@Test
	void printsEachChangeAsVtgatesVstreamDoesAndStopsAfterTheLimit() {
		this.vtgate.thenSend(changes());
		int code = tail("tail", "commerce.corder", "--limit", "3");
		assertThat(code).as(errText()).isZero();
		assertThat(outText()).isEqualTo("""
				op	order_id	customer_id	sku	price
				+	1	7	a	1.00
				*	1	7	a	2.50
				-	1	7	a	2.50
				""");
		VStreamRequest request = this.vtgate.requests().get(0);
		assertThat(request.getVgtid().getShardGtids(0).getGtid()).as("--from current is the default")
			.isEqualTo("current");
		assertThat(request.getFilter().getRules(0).getMatch()).isEqualTo("corder");
	}

	@Test
	void printsJsonLines() {
		this.vtgate.thenSend(changes());
		int code = tail("tail", "commerce.corder", "--json", "--limit", "2");
		assertThat(code).as(errText()).isZero();
		assertThat(outText().lines().toList()).containsExactly(
				"{\"op\":\"insert\",\"keyspace\":\"commerce\",\"shard\":\"0\",\"table\":\"corder\",\"before\":null,"
						+ "\"after\":{\"order_id\":1,\"customer_id\":7,\"sku\":\"a\",\"price\":1.00},"
						+ "\"commit_time\":\"2025-11-13T02:13:20Z\"}",
				"{\"op\":\"update\",\"keyspace\":\"commerce\",\"shard\":\"0\",\"table\":\"corder\","
						+ "\"before\":{\"order_id\":1,\"customer_id\":7,\"sku\":\"a\",\"price\":1.00},"
						+ "\"after\":{\"order_id\":1,\"customer_id\":7,\"sku\":\"a\",\"price\":2.50},"
						+ "\"commit_time\":\"2025-11-13T02:13:20Z\"}");
	}

	@Test
	void whereIsPushedDownToVtgate() {
		// The scripted vtgate does not filter: it sends what a real one would for the
		// condition (TailCliIT shows a real one filtering).
		this.vtgate.thenSend(response(begin(), corderFields("commerce", "0"),
				insert("commerce", "0", "corder", row(3, 7, "c", "30.00")),
				vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-5")), commit()));
		int code = tail("tail", "commerce.corder", "--where", "customer_id = 7 and price >= 10", "--limit", "1");
		assertThat(code).as(errText()).isZero();
		assertThat(outText()).isEqualTo("op\torder_id\tcustomer_id\tsku\tprice\n+\t3\t7\tc\t30.00\n");
		assertThat(this.vtgate.requests().get(0).getFilter().getRules(0).getFilter())
			.isEqualTo("select * from `corder` where `customer_id` = 7 and `price` >= 10");
	}

	@Test
	void verbosePrintsPositionsAndTheEndOfTheCopy() {
		this.vtgate.thenSend(
				response(begin(), corderFields("commerce", "0"), insert("commerce", "0", "corder", row(1, 7, "a", "1")),
						vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-3", "corder")), commit()),
				response(vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-3")), Events.copyCompleted()),
				response(begin(), corderFields("commerce", "0"), insert("commerce", "0", "corder", row(2, 7, "b", "1")),
						vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-4")), commit()));
		int code = tail("tail", "commerce.corder", "--from", "copy", "--verbose", "--limit", "2");
		assertThat(code).as(errText()).isZero();
		assertThat(outText()).contains("+\t1\t7\ta\t1\n")
			.contains("# copy completed\n")
			.contains(
					"# position {\"shardGtids\":[{\"keyspace\":\"commerce\",\"shard\":\"0\",\"gtid\":\"MySQL56/a:1-3\"}],"
							+ "\"coveredTables\":[{\"keyspace\":\"commerce\",\"tables\":[\"corder\"]}]}")
			.endsWith("+\t2\t7\tb\t1\n");
		assertThat(outText().indexOf("# copy completed")).isLessThan(outText().indexOf("+\t2\t"));
		assertThat(this.vtgate.requests().get(0).getVgtid().getShardGtids(0).getGtid()).as("--from copy").isEmpty();
	}

	@Test
	void verbosePrintsTheCopysProgress() {
		// A copy as vtgate sends it: rows without a timestamp, then the last primary key.
		this.vtgate.withTableRows("commerce", "0", "corder", 4);
		this.vtgate.thenSend(response(begin(), corderFields("commerce", "0")),
				response(vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-3"))),
				response(Events.copied(1), vgtidEvent(Events.copying("MySQL56/a:1-3", 1)), commit()));
		CompletableFuture<Integer> code = CompletableFuture
			.supplyAsync(() -> tail("tail", "commerce.corder", "--from", "copy", "--verbose", "--limit", "2"));
		// Printed at most once a second, as responses arrive: vtgate's heartbeats do.
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			this.vtgate.send(response(Events.vtgateHeartbeat()));
			return outText().contains("# copy commerce.corder: 1 rows copied of ~4 (25%)");
		});
		this.vtgate.send(response(vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-3")), Events.copyCompleted()),
				response(begin(), corderFields("commerce", "0"), insert("commerce", "0", "corder", row(2, 7, "b", "1")),
						vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-4")), commit()));
		assertThat(code).succeedsWithin(Duration.ofSeconds(30)).isEqualTo(0);
		assertThat(outText().indexOf("# copy commerce.corder")).isLessThan(outText().indexOf("# copy completed"));
	}

	@Test
	void printsDdlOfTheTableAndTheNewHeader() {
		this.vtgate.thenSend(changes(),
				response(vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-4")),
						Events.ddl("alter table customer add column note text")),
				response(vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-5")),
						Events.ddl("alter table corder drop column price")),
				response(begin(),
						Events.field("commerce", "0", "corder", Events.col("order_id", Type.INT64),
								Events.col("customer_id", Type.INT64), Events.col("sku", Type.VARCHAR)),
						insert("commerce", "0", "corder", row(2, 7, "b")),
						vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-6")), commit()));
		int code = tail("tail", "commerce.corder", "--limit", "4");
		assertThat(code).as(errText()).isZero();
		assertThat(outText()).as("DDL of other tables only with --verbose").endsWith("""
				-	1	7	a	2.50
				# ddl commerce/0: alter table corder drop column price
				op	order_id	customer_id	sku
				+	2	7	b
				""");
	}

	@Test
	void theArgumentsWinOverTheEnvironment() {
		this.vtgate.thenSend(changes());
		System.setProperty("vstream.vtgate.address", "127.0.0.1:1");
		System.setProperty("vstream.keyspace", "customer");
		try {
			assertThat(tail("tail", "commerce.corder", "--limit", "1")).as(errText()).isZero();
		}
		finally {
			System.clearProperty("vstream.vtgate.address");
			System.clearProperty("vstream.keyspace");
		}
		assertThat(outText()).endsWith("+\t1\t7\ta\t1.00\n");
	}

	@Test
	void fromAPositionStreamsFromIt() {
		this.vtgate.thenSend(changes());
		String position = "{\"shardGtids\":[{\"keyspace\":\"commerce\",\"shard\":\"0\",\"gtid\":\"MySQL56/a:1-2\"}]}";
		int code = tail("tail", "commerce.corder", "--from", position, "--limit", "1");
		assertThat(code).as(errText()).isZero();
		assertThat(this.vtgate.requests().get(0).getVgtid().getShardGtids(0).getGtid()).isEqualTo("MySQL56/a:1-2");
	}

	@Test
	void aTableTheKeyspaceDoesNotHaveFailsWithTheStartersReason() {
		int code = tail("tail", "commerce.nosuch");
		assertThat(code).isEqualTo(1);
		assertThat(errText()).contains("vstream-cli: Listener 'tail' listens to table 'nosuch', which keyspace "
				+ "'commerce' does not have (it has [corder, customer]); if a MoveTables workflow moved it to another "
				+ "keyspace, listen to it there");
		assertThat(outText()).isEmpty();
		assertThat(this.vtgate.requests()).isEmpty();
	}

	@Test
	void wrongArgumentsExitWithTwo() {
		assertThat(tail("tail", "corder")).isEqualTo(2);
		assertThat(errText()).contains("'corder' is not <keyspace>.<table>");
		assertThat(tail("tail", "commerce.corder", "--from", "yesterday")).isEqualTo(2);
		assertThat(errText()).contains("--from: expected copy, current or a position as JSON, got 'yesterday'");
		assertThat(tail("tail", "commerce.corder", "--where", "price ~ 3")).isEqualTo(2);
		assertThat(errText()).contains("--where: ").contains("price ~ 3");
		assertThat(tail("follow", "commerce.corder")).isEqualTo(2);
		assertThat(tail("--help")).isZero();
		assertThat(outText()).startsWith("Usage: java -jar vstream-cli.jar tail <keyspace>.<table> [options]");
	}

	private static VStreamResponse changes() {
		return response(begin(), corderFields("commerce", "0"),
				insert("commerce", "0", "corder", row(1, 7, "a", "1.00")),
				update("commerce", "0", "corder", row(1, 7, "a", "1.00"), row(1, 7, "a", "2.50")),
				delete("commerce", "0", "corder", row(1, 7, "a", "2.50")),
				vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-3")), commit());
	}

	private int tail(String... args) {
		List<String> arguments = new ArrayList<>(List.of(args));
		if (arguments.size() > 1 && arguments.get(0).equals("tail")) {
			arguments.add("--vtgate=127.0.0.1:" + this.vtgate.port());
		}
		CompletableFuture<Integer> run = CompletableFuture
			.supplyAsync(() -> VStreamCli.run(arguments.toArray(String[]::new),
					new PrintStream(this.out, true, StandardCharsets.UTF_8),
					new PrintStream(this.err, true, StandardCharsets.UTF_8)));
		await().atMost(Duration.ofSeconds(60)).until(run::isDone);
		return run.join();
	}

	private String outText() {
		return this.out.toString(StandardCharsets.UTF_8);
	}

	private String errText() {
		return this.err.toString(StandardCharsets.UTF_8);
	}

}
