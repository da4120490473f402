package dev.vstream.cli;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.entry;

class TailOptionsTests {

	@Test
	void defaultsToLiveChangesOfLocalVtgatesPrimary() {
		TailOptions options = TailOptions.parse(List.of("commerce.corder"));
		assertThat(options.keyspace()).isEqualTo("commerce");
		assertThat(options.table()).isEqualTo("corder");
		assertThat(options.streamProperties()).containsExactly(entry("vstream.id", "tail"),
				entry("vstream.vtgate.address", "localhost:15991"), entry("vstream.keyspace", "commerce"),
				entry("vstream.offset-store", "memory"), entry("vstream.tablet-type", "primary"),
				entry("vstream.reconnect.max-elapsed-time", "2m"), entry("vstream.start-position", "current"));
	}

	@Test
	void mapsOptionsToTheStartersProperties() {
		String position = "{\"shardGtids\":[{\"keyspace\":\"commerce\",\"shard\":\"0\",\"gtid\":\"MySQL56/a:1-2\"}]}";
		TailOptions options = TailOptions.parse(List.of("--vtgate", "vtgate:15999", "commerce.corder",
				"--from=" + position, "--tablet-type", "REPLICA", "--json", "--verbose", "--limit=5", "--where",
				"sku='x'", "--vstream.heartbeat-interval=1s", "--vstream.reconnect.max-elapsed-time=0"));
		assertThat(options.json()).isTrue();
		assertThat(options.verbose()).isTrue();
		assertThat(options.limit()).isEqualTo(5);
		assertThat(options.where()).isNotNull();
		assertThat(options.where().terms()).singleElement()
			.satisfies((term) -> assertThat(term.column()).isEqualTo("sku"));
		assertThat(options.streamProperties())
			.contains(entry("vstream.vtgate.address", "vtgate:15999"), entry("vstream.start-vgtid", position),
					entry("vstream.tablet-type", "replica"), entry("vstream.heartbeat-interval", "1s"),
					entry("vstream.reconnect.max-elapsed-time", "0"))
			.doesNotContainKey("vstream.start-position");
		assertThat(TailOptions.parse(List.of("commerce.corder", "--from", "copy")).streamProperties())
			.contains(entry("vstream.start-position", "copy"));
	}

	@Test
	void startsFromAStreamsPositionAsTheActuatorShowsIt() {
		String vgtid = "{\"shardGtids\":[{\"keyspace\":\"customer\",\"shard\":\"-80\",\"gtid\":\"MariaDB/0-1-5\"},"
				+ "{\"keyspace\":\"customer\",\"shard\":\"80-\",\"gtid\":\"MariaDB/0-2-7\"}]}";
		String shards = "{\"shards\":[{\"keyspace\":\"customer\",\"shard\":\"-80\",\"gtid\":\"MariaDB/0-1-5\","
				+ "\"copyingTables\":[]},{\"keyspace\":\"customer\",\"shard\":\"80-\",\"gtid\":\"MariaDB/0-2-7\","
				+ "\"copyingTables\":[]}]}";
		assertThat(TailOptions.startVgtid(shards)).isEqualTo(vgtid);
		assertThat(TailOptions.startVgtid("{\"id\":\"default\",\"state\":\"STOPPED\",\"position\":" + shards + "}"))
			.as("the whole answer of /actuator/vstream/{id}")
			.isEqualTo(vgtid);
		assertThat(TailOptions.startVgtid(vgtid)).isEqualTo(vgtid);
		assertThat(TailOptions.parse(List.of("customer.customer", "--from", shards)).streamProperties())
			.contains(entry("vstream.start-vgtid", vgtid));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TailOptions.startVgtid("{\"shards\":[{\"keyspace\":\"commerce\",\"shard\":\"0\","
					+ "\"gtid\":\"MariaDB/0-1-5\",\"copyingTables\":[\"corder\"]}]}"))
			.withMessageContaining("shard commerce/0 is still copying [\"corder\"]");
	}

	@Test
	void refusesWrongArguments() {
		assertThatIllegalArgumentException().isThrownBy(() -> TailOptions.parse(List.of()))
			.withMessage("name the table to tail: <keyspace>.<table>");
		assertThatIllegalArgumentException().isThrownBy(() -> TailOptions.parse(List.of("a.b.c")))
			.withMessage("'a.b.c' is not <keyspace>.<table>");
		assertThatIllegalArgumentException().isThrownBy(() -> TailOptions.parse(List.of("a.b", "--limit", "0")))
			.withMessage("--limit: '0' is not a positive number");
		assertThatIllegalArgumentException().isThrownBy(() -> TailOptions.parse(List.of("a.b", "--limit")))
			.withMessage("--limit needs a value");
		assertThatIllegalArgumentException().isThrownBy(() -> TailOptions.parse(List.of("a.b", "--tablet-type", "x")))
			.withMessageStartingWith("--tablet-type: 'x' is not a tablet type");
		assertThatIllegalArgumentException().isThrownBy(() -> TailOptions.parse(List.of("a.b", "--from", "{")))
			.withMessageStartingWith("--from: expected copy, current or a position as JSON");
		assertThatIllegalArgumentException().isThrownBy(() -> TailOptions.parse(List.of("a.b", "--follow")))
			.withMessage("unknown argument '--follow'");
	}

}
