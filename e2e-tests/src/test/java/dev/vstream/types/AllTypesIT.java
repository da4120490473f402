package dev.vstream.types;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.vstream.e2e.LocalVitess;
import dev.vstream.listener.Operation;
import dev.vstream.listener.RowChange;
import dev.vstream.types.TypesApplication.AllTypes;
import dev.vstream.types.TypesApplication.Recorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One row with a value of every column type written through the real vtgate (Vitess 24
 * over MariaDB 10.11: JSON is a LONGTEXT there) comes back exactly, live from the binlog
 * and in the copy phase; a row of NULLs and a row of MariaDB zero dates too.
 */
class AllTypesIT {

	private static final String LONG_TEXT = "長い😀".repeat(100);

	private static final String JSON = "{\"a\": [1, 2.5, \"x\"], \"b\": {\"c\": null}, \"emoji\": \"😀\"}";

	private final String tag = "types-" + UUID.randomUUID().toString().substring(0, 8);

	private ConfigurableApplicationContext live;

	private ConfigurableApplicationContext copy;

	@BeforeAll
	static void createTables() {
		TypesSupport.createTables();
	}

	@AfterEach
	void stop() {
		for (ConfigurableApplicationContext app : new ConfigurableApplicationContext[] { this.live, this.copy }) {
			if (app != null) {
				app.close();
			}
		}
	}

	@Test
	void everyColumnTypeRoundTripsLiveAndInTheCopyPhase() {
		this.live = TypesSupport.start("types-live-" + this.tag, "vstream.start-position=current");
		TypesSupport.awaitStreaming(this.live);
		Recorder recorder = this.live.getBean(Recorder.class);
		LocalVitess.execute("commerce", "set time_zone = '+00:00'", insertMax(this.tag + "-max"),
				"insert into all_types (tag) values ('" + this.tag + "-null')", "set sql_mode = ''",
				"insert into all_types (tag, c_date, c_datetime0, c_datetime6, c_timestamp0) values ('" + this.tag
						+ "-zero', '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00.000000', '0000-00-00 00:00:00')",
				"update all_types set c_int = 7 where tag = '" + this.tag + "-max'",
				"delete from all_types where tag = '" + this.tag + "-null'");
		await().atMost(TypesSupport.TIMEOUT).untilAsserted(() -> assertThat(mine(recorder.rows)).hasSize(5));
		List<RowChange<Map<String, Object>>> changes = mine(recorder.rows);

		Map<String, Object> max = changes.get(0).after();
		assertThat(changes.get(0).op()).isEqualTo(Operation.INSERT);
		assertMaxRow(max);
		assertNullRow(changes.get(1).after());
		assertZeroRow(changes.get(2).after());
		RowChange<Map<String, Object>> update = changes.get(3);
		assertThat(update.op()).isEqualTo(Operation.UPDATE);
		assertMaxRow(update.before());
		assertThat(update.after()).containsEntry("c_int", 7);
		assertThat(update.isPartial()).as("the local cluster writes FULL row images").isFalse();
		RowChange<Map<String, Object>> delete = changes.get(4);
		assertThat(delete.op()).isEqualTo(Operation.DELETE);
		assertThat(delete.after()).isNull();
		assertNullRow(delete.before());

		AllTypes typed = recorder.typed.stream()
			.filter((c) -> c.op() == Operation.INSERT && c.after().tag().equals(this.tag + "-max"))
			.findFirst()
			.orElseThrow()
			.after();
		assertThat(typed.cBool()).isTrue();
		assertThat(typed.cBigintU()).isEqualTo(new BigInteger("18446744073709551615"));
		assertThat(typed.cTimestamp6()).isEqualTo(Instant.parse("2024-02-29T12:34:56.000001Z"));
		assertThat(typed.text()).isEqualTo("héllo 😀 日本語");
		assertThat(typed.cBit64()).isEqualTo(-1L);
		assertThat(typed.cJson().get("a").get(1).asDouble()).isEqualTo(2.5);
		assertThat(typed.cJson().get("b").get("c").isNull()).isTrue();
		assertThat(typed.cJson().get("emoji").asString()).isEqualTo("😀");

		// The copy phase reads the tables with SELECT rather than the binlog: the same
		// values
		this.copy = TypesSupport.start("types-copy-" + this.tag, "vstream.start-position=copy",
				"vstream.tables-to-copy=all_types");
		Recorder copied = this.copy.getBean(Recorder.class);
		await().atMost(TypesSupport.TIMEOUT).untilAsserted(() -> assertThat(mine(copied.rows)).hasSize(2));
		List<RowChange<Map<String, Object>>> copiedRows = mine(copied.rows);
		assertThat(copiedRows).allSatisfy((c) -> assertThat(c.commitTime()).isNull());
		Map<String, Object> copiedMax = new LinkedHashMap<>(copiedRows.get(0).after());
		assertThat(copiedMax).containsEntry("c_int", 7);
		copiedMax.put("c_int", Integer.MIN_VALUE);
		assertMaxRow(copiedMax);
		assertZeroRow(copiedRows.get(1).after());
	}

	private String insertMax(String rowTag) {
		return "insert into all_types (tag, c_tinyint, c_tinyint_u, c_bool, c_smallint, c_smallint_u, c_mediumint, "
				+ "c_mediumint_u, c_int, c_int_u, c_bigint, c_bigint_u, c_float, c_double, c_decimal, c_date, c_time, "
				+ "c_time6, c_datetime0, c_datetime1, c_datetime2, c_datetime3, c_datetime4, c_datetime5, c_datetime6, "
				+ "c_timestamp0, c_timestamp3, c_timestamp6, c_year, c_char, c_varchar, c_text, c_binary, c_varbinary, "
				+ "c_blob, c_bit1, c_bit12, c_bit64, c_enum, c_set, c_json, c_geometry) values ('" + rowTag + "', "
				+ "-128, 255, 1, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, "
				+ "18446744073709551615, -3.25e38, -1.7976931348623157e308, "
				+ "'-12345678901234567890123456789012345.123456789012345678901234567890', '2024-02-29', '-838:59:59', "
				+ "'123:45:06.000007', '9999-12-31 23:59:59', '2024-01-02 03:04:05.1', '2024-01-02 03:04:05.12', "
				+ "'2024-01-02 03:04:05.123', '2024-01-02 03:04:05.1234', '2024-01-02 03:04:05.12345', "
				+ "'2024-01-02 03:04:05.123456', '2038-01-19 03:14:07', '1970-01-01 00:00:01.001', "
				+ "'2024-02-29 12:34:56.000001', 2155, 'abc', 'héllo 😀 日本語', '" + LONG_TEXT + "', 0x00ff7f80, "
				+ "0x000102, 0x00fffe, b'1', b'101010101010', 0xffffffffffffffff, 'medium', 'red,blue', '" + JSON
				+ "', ST_GeomFromText('POINT(1 2)'))";
	}

	private static void assertMaxRow(Map<String, Object> row) {
		Map<String, Object> expected = new LinkedHashMap<>();
		expected.put("c_tinyint", -128);
		expected.put("c_tinyint_u", 255);
		expected.put("c_bool", 1);
		expected.put("c_smallint", -32768);
		expected.put("c_smallint_u", 65535);
		expected.put("c_mediumint", -8388608);
		expected.put("c_mediumint_u", 16777215);
		expected.put("c_int", Integer.MIN_VALUE);
		expected.put("c_int_u", 4294967295L);
		expected.put("c_bigint", Long.MIN_VALUE);
		expected.put("c_bigint_u", new BigInteger("18446744073709551615"));
		expected.put("c_float", -3.25e38f);
		expected.put("c_double", -1.7976931348623157e308);
		expected.put("c_decimal",
				new BigDecimal("-12345678901234567890123456789012345.123456789012345678901234567890"));
		expected.put("c_date", LocalDate.of(2024, 2, 29));
		expected.put("c_time", Duration.ofHours(-838).minusMinutes(59).minusSeconds(59));
		expected.put("c_time6", Duration.ofHours(123).plusMinutes(45).plusSeconds(6).plusNanos(7_000));
		expected.put("c_datetime0", LocalDateTime.of(9999, 12, 31, 23, 59, 59));
		expected.put("c_datetime1", LocalDateTime.of(2024, 1, 2, 3, 4, 5, 100_000_000));
		expected.put("c_datetime2", LocalDateTime.of(2024, 1, 2, 3, 4, 5, 120_000_000));
		expected.put("c_datetime3", LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_000_000));
		expected.put("c_datetime4", LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_400_000));
		expected.put("c_datetime5", LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_450_000));
		expected.put("c_datetime6", LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000));
		expected.put("c_timestamp0", Instant.parse("2038-01-19T03:14:07Z"));
		expected.put("c_timestamp3", Instant.parse("1970-01-01T00:00:01.001Z"));
		expected.put("c_timestamp6", Instant.parse("2024-02-29T12:34:56.000001Z"));
		expected.put("c_year", 2155);
		expected.put("c_char", "abc");
		expected.put("c_varchar", "héllo 😀 日本語");
		expected.put("c_text", LONG_TEXT);
		expected.put("c_binary", HexFormat.of().parseHex("00ff7f80"));
		expected.put("c_varbinary", HexFormat.of().parseHex("000102"));
		expected.put("c_blob", HexFormat.of().parseHex("00fffe"));
		expected.put("c_bit1", 1L);
		expected.put("c_bit12", 0b101010101010L);
		expected.put("c_bit64", -1L);
		expected.put("c_enum", "medium");
		expected.put("c_set", "red,blue");
		// MariaDB keeps JSON as the text written (MySQL 8 would send its normalized form)
		expected.put("c_json", JSON);
		// MySQL's internal geometry: 4-byte SRID, then WKB (little-endian POINT(1 2))
		expected.put("c_geometry", HexFormat.of().parseHex("000000000101000000000000000000f03f0000000000000040"));
		assertThat(row.keySet()).containsAll(expected.keySet());
		expected.forEach((column,
				value) -> assertThat(row.get(column)).as(column).isInstanceOf(value.getClass()).isEqualTo(value));
		assertThat(((BigDecimal) row.get("c_decimal")).scale()).isEqualTo(30);
	}

	private static void assertNullRow(Map<String, Object> row) {
		assertThat(row).hasSize(43);
		row.forEach((column, value) -> {
			if (!column.equals("id") && !column.equals("tag")) {
				assertThat(value).as(column).isNull();
			}
		});
		assertThat(row.get("id")).isInstanceOf(Long.class);
	}

	/** MariaDB's zero dates have no java.time value: they arrive as null, documented. */
	private static void assertZeroRow(Map<String, Object> row) {
		assertThat(row).containsEntry("c_date", null)
			.containsEntry("c_datetime0", null)
			.containsEntry("c_datetime6", null)
			.containsEntry("c_timestamp0", null)
			.hasSize(43);
	}

	private List<RowChange<Map<String, Object>>> mine(List<RowChange<Map<String, Object>>> changes) {
		return changes.stream()
			.filter((c) -> ((String) ((c.after() != null) ? c.after() : c.before()).get("tag")).startsWith(this.tag))
			.toList();
	}

}
