package dev.vstream.position;

import java.util.List;
import java.util.Map;
import java.util.Set;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VGtid;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The tables a position covers, in its stored JSON form: a position without them is
 * stored exactly as before (a {@code VGtid}), one with them adds {@code coveredTables},
 * and both read back as strictly as a {@code VGtid}.
 */
class StreamPositionCoveredTablesTests {

	private static final VGtid AT5 = VGtid.newBuilder()
		.addShardGtids(ShardGtid.newBuilder().setKeyspace("commerce").setShard("0").setGtid("MySQL56/a:1-5"))
		.addShardGtids(ShardGtid.newBuilder().setKeyspace("customer").setShard("-80").setGtid("MySQL56/a:1-7"))
		.build();

	@Test
	void aPositionWithoutCoveredTablesIsStoredAsTheVGtidAlone() {
		StreamPosition position = StreamPosition.of(AT5);
		assertThat(position.coveredTables()).isNull();
		assertThat(position.toJson()).isEqualTo("{\"shardGtids\":[{\"keyspace\":\"commerce\",\"shard\":\"0\","
				+ "\"gtid\":\"MySQL56/a:1-5\"},{\"keyspace\":\"customer\",\"shard\":\"-80\",\"gtid\":\"MySQL56/a:1-7\"}]}");
		assertThat(StreamPosition.fromJson(position.toJson())).isEqualTo(position);
	}

	@Test
	void coveredTablesAreStoredAndReadBackAlsoAnEmptySetOfAKeyspace() {
		StreamPosition position = StreamPosition.of(AT5)
			.withCoveredTables(Map.of("commerce", List.of("corder", "customer"), "customer", List.of()));
		String json = position.toJson();
		assertThat(json)
			.endsWith(",\"coveredTables\":[{\"keyspace\":\"commerce\",\"tables\":[\"corder\",\"customer\"]},"
					+ "{\"keyspace\":\"customer\"}]}");
		StreamPosition read = StreamPosition.fromJson(json);
		assertThat(read.coveredTables())
			.isEqualTo(Map.of("commerce", Set.of("corder", "customer"), "customer", Set.of()));
		assertThat(read.toVGtid()).isEqualTo(AT5);
		assertThat(read.toVGtid().getUnknownFields().asMap()).isEmpty();
		assertThat(read.toString()).endsWith(" covering {commerce=[corder, customer], customer=[]}");
		// The same place in the stream as the VGtid alone, but not the same position.
		assertThat(read).isEqualTo(StreamPosition.of(AT5));
		assertThat(read.isSameAs(StreamPosition.of(AT5))).isFalse();
		assertThat(read.isSameAs(StreamPosition.fromJson(json))).isTrue();
	}

	@Test
	void tablesBeingCopiedAreStoredBesideTheCoveredOnes() {
		StreamPosition position = StreamPosition.of(AT5)
			.withCoveredTables(Map.of("commerce", Set.of("corder"), "customer", Set.of()),
					Map.of("commerce", Set.of("customer")));
		String json = position.toJson();
		assertThat(json).endsWith(",\"coveredTables\":[{\"keyspace\":\"commerce\",\"tables\":[\"corder\"],"
				+ "\"copying\":[\"customer\"]},{\"keyspace\":\"customer\"}]}");
		StreamPosition read = StreamPosition.fromJson(json);
		assertThat(read.isSameAs(position)).isTrue();
		assertThat(read.copyingTables()).isEqualTo(Map.of("commerce", Set.of("customer")));
		assertThat(read.isSameAs(position.withCoveredTables(position.coveredTables()))).isFalse();
	}

	@Test
	void theStoredFormIsParsedStrictly() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> StreamPosition
				.fromJson("{\"shardGtids\":[{\"keyspace\":\"commerce\",\"gtd\":\"MySQL56/a:1-5\"}]}"))
			.withMessageContaining("not a valid VGtid");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> StreamPosition
				.fromJson("{\"shardGtids\":[{\"keyspace\":\"commerce\",\"gtid\":\"MySQL56/a:1-5\"}],"
						+ "\"coveredTables\":[{\"keyspace\":\"commerce\",\"table\":[\"corder\"]}]}"))
			.withMessageContaining("not a valid VGtid");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> StreamPosition
				.fromJson("{\"shardGtids\":[{\"keyspace\":\"commerce\",\"gtid\":\"MySQL56/a:1-5\"}],"
						+ "\"coveredTables\":[{\"keyspace\":\"other\",\"tables\":[\"corder\"]}]}"))
			.withMessageContaining("covered tables of keyspace 'other', which it has no shard of");
	}

	@Test
	void withCoveredTablesOfSharesTheOtherPositionsTables() {
		StreamPosition covering = StreamPosition.of(AT5).withCoveredTables(Map.of("commerce", Set.of("corder")));
		VGtid next = AT5.toBuilder()
			.setShardGtids(0, AT5.getShardGtids(0).toBuilder().setGtid("MySQL56/a:1-6"))
			.build();
		StreamPosition reached = StreamPosition.of(next).withCoveredTablesOf(covering);
		assertThat(reached.coveredTables()).isSameAs(covering.coveredTables());
		assertThat(reached.toVGtid()).isEqualTo(next);
	}

}
