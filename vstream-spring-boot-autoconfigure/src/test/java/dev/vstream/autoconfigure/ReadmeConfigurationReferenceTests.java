package dev.vstream.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.vstream.test.Readme;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.convert.ConversionService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README.md's "Configuration reference" table against the configuration metadata that
 * IDEs complete from (generated from {@link VStreamProperties} and the endpoint, merged
 * with additional-spring-configuration-metadata.json), both ways, so that neither drifts
 * from the other.
 *
 * <p>
 * How a row is matched:
 * <ul>
 * <li>A name ending in a {@code .<placeholder>} segment, such as
 * {@code vstream.shards.<keyspace>}, documents the map property named by the part before
 * it (the placeholder stands for the map key); the metadata's type must then be a
 * {@code java.util.Map}.</li>
 * <li>A default starting with a code span ({@code `60s`}) is that value, whatever prose
 * follows it ({@code `0` (no limit)}); it equals the metadata's defaultValue when Spring
 * Boot would bind both to the same value of the property's type (so {@code 2.0} equals
 * {@code 2}, {@code 1m} equals {@code 60s}, {@code read-only} equals
 * {@code read_only}).</li>
 * <li>A default without a code span (empty, or prose such as "all shards") says there is
 * no fixed default: the metadata's defaultValue must then be absent or empty ({@code ""},
 * {@code []}, <code>{}</code>).</li>
 * </ul>
 */
class ReadmeConfigurationReferenceTests {

	private static final String HEADING = "### Configuration reference";

	private static final Pattern PLACEHOLDER = Pattern.compile("(.+)\\.<[a-z-]+>");

	private static final Pattern LEADING_CODE = Pattern.compile("`([^`]*)`.*");

	private static final ConversionService CONVERSION = ApplicationConversionService.getSharedInstance();

	private static Map<String, JsonNode> metadata;

	private static Map<String, JsonNode> hints;

	private static Map<String, Row> readme;

	@BeforeAll
	static void read() throws IOException {
		metadata = new LinkedHashMap<>();
		hints = new LinkedHashMap<>();
		for (String file : List.of("spring-configuration-metadata.json",
				"additional-spring-configuration-metadata.json")) {
			JsonNode json = load(file, file.startsWith("spring-"));
			if (json != null) {
				// The additional file's fields win, as when the processor merges it.
				json.path("properties")
					.valueStream()
					.forEach((p) -> metadata.merge(p.get("name").asString(), p, (generated,
							additional) -> ((ObjectNode) generated.deepCopy()).setAll((ObjectNode) additional)));
				json.path("hints").valueStream().forEach((h) -> hints.put(h.get("name").asString(), h));
			}
		}
		assertThat(metadata).as("properties of the generated configuration metadata").isNotEmpty();
		readme = new LinkedHashMap<>();
		for (List<String> cells : Readme.read().table(HEADING, "property", "default", "description")) {
			Matcher name = LEADING_CODE.matcher(cells.get(0));
			assertThat(name.matches()).as("property cell %s is a code span", cells.get(0)).isTrue();
			Row row = new Row(name.group(1), cells.get(1), cells.get(2));
			assertThat(readme.put(row.name(), row)).as("second row of %s", row.name()).isNull();
		}
	}

	// This module's own file: Boot's jars on the class path carry metadata of the same
	// name.
	private static JsonNode load(String file, boolean required) throws IOException {
		String ownClasses = VStreamProperties.class.getProtectionDomain().getCodeSource().getLocation().toString();
		for (URL url : Collections
			.list(ReadmeConfigurationReferenceTests.class.getClassLoader().getResources("META-INF/" + file))) {
			if (url.toString().startsWith(ownClasses)) {
				try (InputStream json = url.openStream()) {
					return JsonMapper.builder().build().readTree(json);
				}
			}
		}
		assertThat(required).as("META-INF/%s of this module on the class path (under %s)", file, ownClasses).isFalse();
		return null;
	}

	@Test
	void everyPropertyOfTheMetadataIsDocumented() {
		List<String> documented = readme.keySet()
			.stream()
			.map(ReadmeConfigurationReferenceTests::propertyName)
			.toList();
		assertThat(documented).as("properties documented in README.md's %s", HEADING).containsAll(metadata.keySet());
	}

	@Test
	void everyDocumentedPropertyExists() {
		assertThat(readme.keySet()).allSatisfy((name) -> {
			assertThat(metadata.containsKey(propertyName(name)))
				.as("README.md documents %s: a property of the metadata", name)
				.isTrue();
			if (!name.equals(propertyName(name))) {
				assertThat(metadata.get(propertyName(name)).path("type").asString())
					.as("type of %s, documented as a map by %s", propertyName(name), name)
					.startsWith("java.util.Map<");
			}
		});
	}

	@Test
	void everyDocumentedDefaultIsTheMetadataDefault() {
		assertThat(readme.values()).allSatisfy((row) -> {
			JsonNode property = metadata.get(propertyName(row.name()));
			assertThat(property).as("README.md documents %s", row.name()).isNotNull();
			JsonNode metadataDefault = property.path("defaultValue");
			Matcher code = LEADING_CODE.matcher(row.defaultValue());
			if (!code.matches()) {
				assertThat(isEmpty(metadataDefault))
					.as("%s: README.md gives no value ('%s'), so the metadata's default %s must be empty", row.name(),
							row.defaultValue(), metadataDefault)
					.isTrue();
				return;
			}
			assertThat(metadataDefault.isMissingNode())
				.as("%s: README.md gives the default %s, the metadata none", row.name(), row.defaultValue())
				.isFalse();
			String type = property.path("type").asString();
			assertThat(bound(code.group(1), type))
				.as("%s: README.md's default `%s` against the metadata's %s (bound as %s)", row.name(), code.group(1),
						metadataDefault, type)
				.isEqualTo(bound(metadataDefault.isString() ? metadataDefault.asString() : metadataDefault.toString(),
						type));
		});
	}

	@Test
	void everyDocumentedPropertyIsDescribed() {
		assertThat(readme.values())
			.allSatisfy((row) -> assertThat(row.description()).as("description of %s", row.name()).isNotBlank());
		assertThat(metadata.values()).allSatisfy((p) -> assertThat(p.path("description").asString(""))
			.as("metadata description of %s", p.get("name").asString())
			.isNotBlank());
	}

	@Test
	void everyHintIsOfAPropertyAndItsValuesBind() throws ClassNotFoundException {
		assertThat(hints).as("value hints").isNotEmpty();
		for (JsonNode hint : hints.values()) {
			String name = hint.get("name").asString();
			// A map's hints are named after its keys or its values.
			String propertyName = name.replaceFirst("\\.(keys|values)$", "");
			assertThat(metadata.containsKey(propertyName)).as("hint %s names a property of the metadata", name)
				.isTrue();
			String type = metadata.get(propertyName).path("type").asString();
			List<String> values = hint.path("values").valueStream().map((v) -> v.get("value").asString()).toList();
			assertThat(values).as("values of hint %s", name).isNotEmpty();
			assertThat(hint.path("values").valueStream())
				.allSatisfy((v) -> assertThat(v.path("description").asString(""))
					.as("description of %s in %s", v.get("value"), name)
					.isNotBlank());
			if (!name.equals(propertyName)) {
				assertThat(type).as("type of %s, hinted as a map by %s", propertyName, name)
					.startsWith("java.util.Map<");
				continue;
			}
			for (String value : values) {
				assertThat(bound(value, type)).as("hint value %s of %s bound as %s", value, name, type).isNotNull();
			}
			Class<?> propertyType = type.contains("<") ? Object.class : Class.forName(type);
			if (propertyType.isEnum()) {
				assertThat(values.stream().map((value) -> bound(value, type)).toList())
					.as("hint values of %s, an enum: one per constant", name)
					.containsExactlyInAnyOrder(propertyType.getEnumConstants());
			}
		}
	}

	private static String propertyName(String documented) {
		Matcher placeholder = PLACEHOLDER.matcher(documented);
		return placeholder.matches() ? placeholder.group(1) : documented;
	}

	private static boolean isEmpty(JsonNode value) {
		return value.isMissingNode() || value.isNull() || (value.isString() && value.asString().isEmpty())
				|| (value.isContainer() && value.isEmpty());
	}

	// Generic types (maps, lists) have no fixed defaults to compare; their text is
	// compared as is.
	private static Object bound(String value, String type) {
		if (type.contains("<")) {
			return value;
		}
		try {
			return CONVERSION.convert(value, Class.forName(type));
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException("metadata type " + type + " of a property is not on the class path", ex);
		}
	}

	private record Row(String name, String defaultValue, String description) {

	}

}
