package dev.vstream.autoconfigure;

import java.io.InputStream;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * IDEs complete {@code vstream.*} from the generated metadata: every property must be
 * there with a description.
 */
class ConfigurationMetadataTests {

	@Test
	void everyPropertyHasADescription() throws Exception {
		JsonNode metadata;
		try (InputStream json = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(json).as("generated configuration metadata").isNotNull();
			metadata = JsonMapper.builder().build().readTree(json);
		}
		List<JsonNode> properties = metadata.get("properties").valueStream().toList();
		assertThat(properties).extracting((p) -> p.get("name").asString())
			.contains("vstream.vtgate.address", "vstream.keyspace", "vstream.start-position", "vstream.offset-store",
					"vstream.reconnect.initial-interval", "vstream.jdbc.table-name", "vstream.redis.key-prefix",
					"vstream.health.reconnect-timeout");
		assertThat(properties).allSatisfy(
				(p) -> assertThat(p.path("description").asString("")).as(p.get("name").asString()).isNotBlank());
	}

	@Test
	void everyPropertyHasADefault() throws Exception {
		JsonNode metadata;
		try (InputStream json = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			metadata = JsonMapper.builder().build().readTree(json);
		}
		List<JsonNode> properties = metadata.get("properties").valueStream().toList();
		assertThat(properties)
			.allSatisfy((p) -> assertThat(p.has("defaultValue")).as(p.get("name").asString()).isTrue());
		assertThat(properties).filteredOn((p) -> p.get("name").asString().equals("vstream.health.reconnect-timeout"))
			.singleElement()
			.satisfies((p) -> assertThat(p.get("defaultValue").asString()).isEqualTo("60s"));
	}

	@Test
	void everyEnumLikePropertyHasValueHints() throws Exception {
		// The IDE offers exactly these values; the enum's own constants may not all be
		// valid (error.recovery has no 'default'), and modes such as
		// DatabaseInitializationMode deserve a description.
		JsonNode metadata;
		try (InputStream json = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			metadata = JsonMapper.builder().build().readTree(json);
		}
		List<String> hinted = metadata.path("hints").valueStream().map((h) -> h.get("name").asString()).toList();
		List<String> enumLike = metadata.get("properties")
			.valueStream()
			.filter((p) -> isEnum(p.path("type").asString()))
			.map((p) -> p.get("name").asString())
			.toList();
		assertThat(enumLike).contains("vstream.error.recovery", "vstream.jdbc.initialize-schema",
				"vstream.scaling.jdbc.initialize-schema", "vstream.offset-store", "management.endpoint.vstream.access");
		assertThat(hinted).containsAll(enumLike);
		assertThat(metadata.path("hints").valueStream())
			.filteredOn((h) -> h.get("name").asString().equals("vstream.error.recovery"))
			.singleElement()
			.satisfies((h) -> assertThat(h.get("values").valueStream().map((v) -> v.get("value").asString()))
				.containsExactly("stop", "skip", "dead-letter"));
	}

	private static boolean isEnum(String type) {
		try {
			return !type.contains("<") && Class.forName(type).isEnum();
		}
		catch (ClassNotFoundException ex) {
			return false;
		}
	}

}
