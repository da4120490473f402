package dev.vstream.mapping;

import java.util.List;
import java.util.Map;

import binlogdata.Binlogdata.FieldEvent;
import io.vitess.proto.Query;
import io.vitess.proto.Query.Type;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.convert.support.DefaultConversionService;

import static dev.vstream.mapping.TestRows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Decoding and mapping with the FIELD metadata a real vtgate (Vitess 24 over MariaDB
 * 10.11) sent for the e2e table {@code all_types} (utf8mb4_bin): text columns of a binary
 * collation arrive as VARBINARY/BINARY/BLOB with charset 46, ENUM and SET as BINARY with
 * the ENUM/SET flag, JSON as a BLOB ({@code longtext}).
 */
class RealFieldMetadataTests {

	private static final Query.Field TAG = field("tag", Type.VARBINARY, "varchar(64)", 4225, 46);

	private static final Query.Field CHAR = field("c_char", Type.BINARY, "char(16)", 128, 46);

	private static final Query.Field TEXT = field("c_text", Type.BLOB, "text", 144, 46);

	private static final Query.Field BINARY = field("c_binary", Type.BINARY, "binary(4)", 128, 63);

	private static final Query.Field BLOB = field("c_blob", Type.BLOB, "blob", 144, 63);

	private static final Query.Field ENUM = field("c_enum", Type.BINARY, "enum('small','medium','large')", 384, 46);

	private static final Query.Field SET = field("c_set", Type.BINARY, "set('red','green','blue')", 2176, 46);

	private static final Query.Field JSON_TEXT = field("c_json", Type.BLOB, "longtext", 144, 46);

	private static Query.Field field(String name, Type type, String columnType, int flags, int charset) {
		return Query.Field.newBuilder()
			.setName(name)
			.setType(type)
			.setColumnType(columnType)
			.setFlags(flags)
			.setCharset(charset)
			.build();
	}

	private static TableSchema schema(boolean enumSetStringValues, Query.Field... fields) {
		return TableSchema.of(FieldEvent.newBuilder()
			.setTableName("commerce.all_types")
			.setEnumSetStringValues(enumSetStringValues)
			.addAllFields(List.of(fields))
			.build());
	}

	@Test
	void textOfABinaryCollationIsAStringAndBinaryStaysBytes() {
		TableSchema schema = schema(true, TAG, CHAR, TEXT, BINARY, BLOB, JSON_TEXT);
		assertThat(schema.columns()).extracting(TableSchema.Column::javaType)
			.containsExactly(String.class, String.class, String.class, byte[].class, byte[].class, String.class);
		Object[] values = schema.decode(
				row("tag-😀", "abc", "長い😀", new byte[] { 0, -1, 127, -128 }, new byte[] { 0, -1, -2 }, "{\"a\": 1}"));
		assertThat(values).containsExactly("tag-😀", "abc", "長い😀", new byte[] { 0, -1, 127, -128 },
				new byte[] { 0, -1, -2 }, "{\"a\": 1}");
	}

	@Test
	void enumAndSetFlaggedBinaryColumnsAreStrings() {
		TableSchema schema = schema(true, ENUM, SET);
		assertThat(schema.decode(row("medium", "red,blue"))).containsExactly("medium", "red,blue");
	}

	@Test
	void enumAndSetNumbersOfFlaggedColumnsAreNamedWithoutStringValues() {
		TableSchema schema = schema(false, ENUM, SET);
		assertThat(schema.decode(row("2", "5"))).containsExactly("medium", "red,blue");
		assertThat(schema.decode(row("large", ""))).containsExactly("large", "");
	}

	@Test
	void aStringColumnWithoutCollationStaysBinary() {
		TableSchema schema = schema(true, TestRows.field("b", Type.VARBINARY));
		assertThat(schema.columns().get(0).javaType()).isEqualTo(byte[].class);
	}

	public record Document(long id, JsonNode cJson) {
	}

	public record Address(String street, List<Integer> floors) {
	}

	public record Customer(long id, @Column("c_json") Address address) {
	}

	@Test
	void jsonTextOfALongtextColumnMapsToAJsonTreeAndToARecord() {
		TableSchema schema = schema(true, field("id", Type.INT64, "bigint(20)", 0, 63), JSON_TEXT);
		Object[] values = schema.decode(row("7", "{\"street\": \"Rue 😀\", \"floors\": [1, 2]}"));
		RowMapperFactory factory = new RowMapperFactory(new DefaultConversionService());
		Document document = factory.mapperFor(schema, Document.class).map(values);
		assertThat(document.cJson().get("street").asString()).isEqualTo("Rue 😀");
		assertThat(document.cJson().get("floors").get(1).asInt()).isEqualTo(2);
		Customer customer = factory.mapperFor(schema, Customer.class).map(values);
		assertThat(customer.address()).isEqualTo(new Address("Rue 😀", List.of(1, 2)));
	}

	public record Items(List<Map<String, Integer>> cJson) {
	}

	@Test
	void aJsonColumnMapsToGenericTypesWithTheGivenJsonMapper() {
		TableSchema schema = schema(true, TestRows.field("c_json", Type.JSON));
		RowMapperFactory factory = new RowMapperFactory(new DefaultConversionService(), JsonMapper.builder().build());
		Items items = factory.mapperFor(schema, Items.class).map(schema.decode(row("[{\"a\": 1}, {\"b\": 2}]")));
		assertThat(items.cJson()).containsExactly(Map.of("a", 1), Map.of("b", 2));
	}

	@Test
	void invalidJsonIsAnErrorNamingTableColumnPropertyAndValue() {
		TableSchema schema = schema(true, field("id", Type.INT64, "bigint(20)", 0, 63), JSON_TEXT);
		RowMapperFactory factory = new RowMapperFactory(new DefaultConversionService());
		assertThatExceptionOfType(RowMappingException.class)
			.isThrownBy(() -> factory.mapperFor(schema, Customer.class).map(schema.decode(row("7", "{not json"))))
			.withMessageContaining("column 'c_json'")
			.withMessageContaining("table 'all_types'")
			.withMessageContaining("property 'address'")
			.withMessageContaining("'{not json'");
	}

}
