package dev.vstream.mapping;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import binlogdata.Binlogdata.FieldEvent;
import com.google.protobuf.ByteString;
import io.vitess.proto.Query;
import io.vitess.proto.Query.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.vstream.mapping.TestRows.decodeOne;
import static dev.vstream.mapping.TestRows.field;
import static dev.vstream.mapping.TestRows.row;
import static dev.vstream.mapping.TestRows.schema;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link TableSchema}.
 */
class TableSchemaTests {

	@Test
	void tableNameLosesKeyspacePrefix() {
		assertThat(schema("commerce.orders", field("id", Type.INT64)).table()).isEqualTo("orders");
		assertThat(schema("orders", field("id", Type.INT64)).table()).isEqualTo("orders");
	}

	@Test
	void columnsCarryNameTypeAndJavaType() {
		TableSchema schema = schema("orders", field("id", Type.UINT64), field("placed", Type.TIMESTAMP),
				field("note", Type.TEXT));
		assertThat(schema.columns()).containsExactly(new TableSchema.Column("id", Type.UINT64, BigInteger.class),
				new TableSchema.Column("placed", Type.TIMESTAMP, Instant.class),
				new TableSchema.Column("note", Type.TEXT, String.class));
	}

	@Test
	void javaTypeOfEveryColumnType() {
		assertJavaType(Integer.class, Type.INT8, Type.UINT8, Type.INT16, Type.UINT16, Type.INT24, Type.UINT24,
				Type.INT32, Type.YEAR);
		assertJavaType(Long.class, Type.UINT32, Type.INT64, Type.BIT);
		assertJavaType(BigInteger.class, Type.UINT64);
		assertJavaType(Float.class, Type.FLOAT32);
		assertJavaType(Double.class, Type.FLOAT64);
		assertJavaType(BigDecimal.class, Type.DECIMAL);
		assertJavaType(LocalDate.class, Type.DATE);
		assertJavaType(LocalDateTime.class, Type.DATETIME);
		assertJavaType(Instant.class, Type.TIMESTAMP);
		assertJavaType(Duration.class, Type.TIME);
		assertJavaType(String.class, Type.CHAR, Type.VARCHAR, Type.TEXT, Type.ENUM, Type.SET, Type.JSON,
				Type.EXPRESSION, Type.HEXNUM, Type.HEXVAL, Type.BITNUM);
		assertJavaType(byte[].class, Type.BINARY, Type.VARBINARY, Type.BLOB, Type.GEOMETRY, Type.VECTOR, Type.RAW);
		assertJavaType(Object.class, Type.NULL_TYPE, Type.TUPLE, Type.ROW_TUPLE);
	}

	private static void assertJavaType(Class<?> javaType, Type... types) {
		for (Type type : types) {
			assertThat(schema("t", field("c", type)).columns().get(0).javaType()).as(type.name()).isEqualTo(javaType);
		}
	}

	@ParameterizedTest
	@CsvSource({ "INT8, -128", "INT8, 127", "UINT8, 255", "INT16, -32768", "UINT16, 65535", "INT24, -8388608",
			"UINT24, 16777215", "INT32, -2147483648", "INT32, 2147483647", "YEAR, 2024", "YEAR, 0" })
	void integers(Type type, String text) {
		assertThat(decodeOne(type, text)).isEqualTo(Integer.valueOf(text));
	}

	@Test
	void rowsOfOneDateShareItsLocalDateAndOtherDatesAreTheirOwn() {
		TableSchema schema = schema("t", field("created_at", Type.DATETIME), field("day", Type.DATE));
		Object[] first = schema.decode(row("2024-05-06 07:08:09", "2024-02-29"));
		Object[] second = schema.decode(row("2024-05-06 23:59:59.5", "2024-02-29"));
		Object[] third = schema.decode(row("2024-05-07 00:00:00", "0000-00-00"));
		Object[] fourth = schema.decode(row("2024-05-07 00:00:01", "2024-03-01"));
		assertThat(first).containsExactly(LocalDateTime.of(2024, 5, 6, 7, 8, 9), LocalDate.of(2024, 2, 29));
		assertThat(second).containsExactly(LocalDateTime.of(2024, 5, 6, 23, 59, 59, 500_000_000),
				LocalDate.of(2024, 2, 29));
		assertThat(third).containsExactly(LocalDateTime.of(2024, 5, 7, 0, 0), null);
		assertThat(fourth).containsExactly(LocalDateTime.of(2024, 5, 7, 0, 0, 1), LocalDate.of(2024, 3, 1));
		assertThat(((LocalDateTime) second[0]).toLocalDate()).isSameAs(((LocalDateTime) first[0]).toLocalDate());
		assertThat(second[1]).isSameAs(first[1]);
		assertThatExceptionOfType(RowMappingException.class)
			.isThrownBy(() -> schema.decode(row("2024-02-30 00:00:00", "2024-03-01")))
			.withMessageContaining("created_at");
		assertThatExceptionOfType(RowMappingException.class)
			.isThrownBy(() -> schema.decode(row("2024-05-07 00:00:01", "2023-02-29")))
			.withMessageContaining("day");
	}

	@Test
	void longs() {
		assertThat(decodeOne(Type.UINT32, "4294967295")).isEqualTo(4294967295L);
		assertThat(decodeOne(Type.INT64, "-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
		assertThat(decodeOne(Type.INT64, "9223372036854775807")).isEqualTo(Long.MAX_VALUE);
		assertThat(decodeOne(Type.INT64, "0")).isEqualTo(0L);
	}

	@Test
	void unsignedBigintIsExact() {
		assertThat(decodeOne(Type.UINT64, "18446744073709551615")).isEqualTo(new BigInteger("18446744073709551615"));
		assertThat(decodeOne(Type.UINT64, "9223372036854775808")).isEqualTo(new BigInteger("9223372036854775808"));
		assertThat(decodeOne(Type.UINT64, "42")).isEqualTo(BigInteger.valueOf(42));
	}

	@Test
	void integerOverflowIsAnError() {
		assertThatExceptionOfType(RowMappingException.class)
			.isThrownBy(() -> decodeOne(Type.INT64, "9223372036854775808"))
			.withMessageContaining("9223372036854775808");
		assertThatExceptionOfType(RowMappingException.class).isThrownBy(() -> decodeOne(Type.INT32, "2147483648"));
		assertThatExceptionOfType(RowMappingException.class).isThrownBy(() -> decodeOne(Type.INT32, "12a"));
		assertThatExceptionOfType(RowMappingException.class).isThrownBy(() -> decodeOne(Type.INT32, "-"));
	}

	@Test
	void floats() {
		assertThat(decodeOne(Type.FLOAT32, "3.25")).isEqualTo(3.25f);
		assertThat(decodeOne(Type.FLOAT32, "-1e10")).isEqualTo(-1e10f);
		assertThat(decodeOne(Type.FLOAT64, "2.718281828459045")).isEqualTo(2.718281828459045);
		assertThat(decodeOne(Type.FLOAT64, "1.7976931348623157e308")).isEqualTo(Double.MAX_VALUE);
	}

	@Test
	void decimalKeepsDigitsAndScale() {
		Object value = decodeOne(Type.DECIMAL, "-12345678901234567890.123456789012");
		assertThat(value).isEqualTo(new BigDecimal("-12345678901234567890.123456789012"));
		assertThat(((BigDecimal) value).scale()).isEqualTo(12);
		assertThat(((BigDecimal) decodeOne(Type.DECIMAL, "10.50")).scale()).isEqualTo(2);
	}

	@Test
	void decimalBeyondMysqlsDigitsOrWithAnExponentIsAnError() {
		String digits65 = "9".repeat(35) + "." + "9".repeat(30);
		assertThat(decodeOne(Type.DECIMAL, digits65)).isEqualTo(new BigDecimal(digits65));
		assertThat(decodeOne(Type.DECIMAL, "0." + "1".repeat(38))).isEqualTo(new BigDecimal("0." + "1".repeat(38)));
		assertThatExceptionOfType(RowMappingException.class).isThrownBy(() -> decodeOne(Type.DECIMAL, "9" + digits65))
			.withMessageContaining("65 digits");
		// a million digits took 13 s of CPU in BigDecimal; refused before it is parsed
		assertThatExceptionOfType(RowMappingException.class)
			.isThrownBy(() -> decodeOne(Type.DECIMAL, "1".repeat(1_000_000)))
			.withMessageContaining("65 digits");
		// toPlainString() of this would allocate 1 GB
		assertThatExceptionOfType(RowMappingException.class).isThrownBy(() -> decodeOne(Type.DECIMAL, "1E+999999999"))
			.withMessageContaining("no exponent");
		assertThatExceptionOfType(RowMappingException.class).isThrownBy(() -> decodeOne(Type.DECIMAL, "1.5e3"));
		assertThatExceptionOfType(RowMappingException.class).isThrownBy(() -> decodeOne(Type.DECIMAL, "-"));
		assertThatExceptionOfType(RowMappingException.class).isThrownBy(() -> decodeOne(Type.DECIMAL, ".5"));
	}

	@ParameterizedTest
	@CsvSource({ "0", "-0.00", "10.50", "-7.5", "123456789012345678", "1234567890123456789.5", "0.000000000000000001",
			"00012.30", "5.", "+1.5" })
	void decimalShortcutMatchesTheGeneralParser(String text) {
		BigDecimal value = (BigDecimal) decodeOne(Type.DECIMAL, text);
		assertThat(value).isEqualTo(new BigDecimal(text));
		assertThat(value.toString()).isEqualTo(new BigDecimal(text).toString());
	}

	@Test
	void timestampShortcutMatchesLocalDateTime() {
		// Some 215,000 values: compared without an assertion object each (one AssertJ
		// assertThat per value took most of the test's 17 s), every mismatch collected.
		TableSchema schema = schema("t", field("c", Type.TIMESTAMP));
		DateTimeFormatter format = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");
		List<String> mismatches = new ArrayList<>();
		LocalDateTime start = LocalDateTime.of(1, 1, 1, 0, 0);
		for (long day = 0; day < 3_652_059; day += 17) {
			LocalDateTime dateTime = start.plusDays(day).plusSeconds(day % 86_400);
			String text = format.format(dateTime) + ".123456";
			Object decoded = schema.decode(row(text))[0];
			Instant expected = dateTime.plusNanos(123_456_000).toInstant(ZoneOffset.UTC);
			if (!expected.equals(decoded)) {
				mismatches.add(text + " decoded as " + decoded + ", not " + expected);
			}
		}
		assertThat(mismatches).isEmpty();
		assertThat(TemporalValues.epochDay(1969, 12, 31)).isEqualTo(-1);
		assertThat(TemporalValues.epochDay(2000, 2, 29)).isEqualTo(LocalDate.of(2000, 2, 29).toEpochDay());
		assertThat(decodeOne(Type.TIMESTAMP, "0000-00-00 00:00:00")).isNull();
		assertThatExceptionOfType(RowMappingException.class)
			.isThrownBy(() -> decodeOne(Type.TIMESTAMP, "2023-02-29 00:00:00"));
		assertThatExceptionOfType(RowMappingException.class)
			.isThrownBy(() -> decodeOne(Type.TIMESTAMP, "2024-01-01 24:00:00"));
	}

	@Test
	void dates() {
		assertThat(decodeOne(Type.DATE, "2024-02-29")).isEqualTo(LocalDate.of(2024, 2, 29));
		assertThat(decodeOne(Type.DATE, "0001-01-01")).isEqualTo(LocalDate.of(1, 1, 1));
		assertThat(decodeOne(Type.DATE, "9999-12-31")).isEqualTo(LocalDate.of(9999, 12, 31));
	}

	@Test
	void zeroDatesAreNull() {
		assertThat(decodeOne(Type.DATE, "0000-00-00")).isNull();
		assertThat(decodeOne(Type.DATE, "2024-00-10")).isNull();
		assertThat(decodeOne(Type.DATETIME, "0000-00-00 00:00:00")).isNull();
		assertThat(decodeOne(Type.TIMESTAMP, "0000-00-00 00:00:00.000000")).isNull();
	}

	@ParameterizedTest
	@CsvSource({ "2024-05-06 07:08:09, 0", "2024-05-06 07:08:09.1, 100000000", "2024-05-06 07:08:09.12, 120000000",
			"2024-05-06 07:08:09.123, 123000000", "2024-05-06 07:08:09.1234, 123400000",
			"2024-05-06 07:08:09.12345, 123450000", "2024-05-06 07:08:09.123456, 123456000",
			"2024-05-06 07:08:09.000001, 1000" })
	void dateTimeWithFractionalSeconds(String text, int nanos) {
		assertThat(decodeOne(Type.DATETIME, text)).isEqualTo(LocalDateTime.of(2024, 5, 6, 7, 8, 9, nanos));
	}

	@Test
	void timestampIsUtcInstant() {
		assertThat(decodeOne(Type.TIMESTAMP, "2024-05-06 07:08:09.5"))
			.isEqualTo(Instant.parse("2024-05-06T07:08:09.500Z"));
		assertThat(decodeOne(Type.TIMESTAMP, "1970-01-01 00:00:01")).isEqualTo(Instant.ofEpochSecond(1));
	}

	@Test
	void malformedDateTimeIsAnError() {
		assertThatExceptionOfType(RowMappingException.class).isThrownBy(() -> decodeOne(Type.DATETIME, "2024-05-06"))
			.withMessageContaining("2024-05-06");
		assertThatExceptionOfType(RowMappingException.class)
			.isThrownBy(() -> decodeOne(Type.DATETIME, "2024-05-06 07:08:09."));
		assertThatExceptionOfType(RowMappingException.class).isThrownBy(() -> decodeOne(Type.DATE, "2024-13-01"));
	}

	@ParameterizedTest
	@CsvSource({ "00:00:00, PT0S", "12:34:56, PT12H34M56S", "-01:02:03, PT-1H-2M-3S", "838:59:59, PT838H59M59S",
			"-838:59:59, PT-838H-59M-59S", "25:00:00.5, PT25H0.5S", "-00:00:00.000001, PT-0.000001S" })
	void timeIsDuration(String text, Duration expected) {
		assertThat(decodeOne(Type.TIME, text)).isEqualTo(expected);
	}

	@Test
	void textIsUtf8() {
		String text = "caf\u00e9 \u65e5\u672c\u8a9e \uD83D\uDE00\uD83D\uDC4D\uD83C\uDFFD";
		for (Type type : new Type[] { Type.CHAR, Type.VARCHAR, Type.TEXT }) {
			assertThat(decodeOne(type, text)).as(type.name()).isEqualTo(text);
		}
		assertThat(decodeOne(Type.VARCHAR, "")).isEqualTo("");
	}

	@Test
	void jsonIsItsText() {
		assertThat(decodeOne(Type.JSON, "{\"a\": [1, \"\u00e9\"]}")).isEqualTo("{\"a\": [1, \"\u00e9\"]}");
	}

	@Test
	void binaryIsBytes() {
		byte[] bytes = { 0, (byte) 0xFF, (byte) 0x80, 0x7F, '\n', 0 };
		for (Type type : new Type[] { Type.BINARY, Type.VARBINARY, Type.BLOB, Type.GEOMETRY }) {
			assertThat(decodeOne(type, bytes)).as(type.name()).isEqualTo(bytes);
		}
	}

	@Test
	void binaryValuesAreCopiesOfTheirSlice() {
		TableSchema schema = schema("t", field("a", Type.VARBINARY), field("b", Type.VARBINARY));
		Object[] values = schema.decode(row(new byte[] { 1, 2 }, new byte[] { 3 }));
		assertThat(values[0]).isEqualTo(new byte[] { 1, 2 });
		assertThat(values[1]).isEqualTo(new byte[] { 3 });
	}

	@Test
	void bitIsUnsignedNumber() {
		assertThat(decodeOne(Type.BIT, new byte[] { 1 })).isEqualTo(1L);
		assertThat(decodeOne(Type.BIT, new byte[] { 0 })).isEqualTo(0L);
		assertThat(decodeOne(Type.BIT, new byte[] { 0x01, (byte) 0xFF })).isEqualTo(511L);
		assertThat(decodeOne(Type.BIT, new byte[] { (byte) 0x80, 0, 0, 0, 0, 0, 0, 0 })).isEqualTo(Long.MIN_VALUE);
	}

	@Test
	void enumAndSetAsStrings() {
		assertThat(decodeOne(Type.ENUM, "shipped")).isEqualTo("shipped");
		assertThat(decodeOne(Type.SET, "a,c")).isEqualTo("a,c");
	}

	@Test
	void enumAndSetNumbersAreMappedWhenTheStreamSendsThem() {
		FieldEvent event = FieldEvent.newBuilder()
			.setTableName("t")
			.setEnumSetStringValues(false)
			.addFields(field("status", Type.ENUM, "enum('new','it''s shipped','done')"))
			.addFields(field("tags", Type.SET, "set('a','b','c')"))
			.build();
		TableSchema schema = TableSchema.of(event);
		assertThat(schema.decode(row("2", "5"))).containsExactly("it's shipped", "a,c");
		// the copy phase sends names even without the flag
		assertThat(schema.decode(row("done", "b"))).containsExactly("done", "b");
		assertThat(schema.decode(row("0", "0"))).containsExactly("", "");
		assertThatExceptionOfType(RowMappingException.class).isThrownBy(() -> schema.decode(row("4", "1")))
			.withMessageContaining("status");
	}

	@Test
	void enumNumbersAreKeptWhenTheStreamMapsThem() {
		TableSchema schema = schema("t", field("status", Type.ENUM, "enum('new','done')"));
		assertThat(schema.decode(row("2"))).containsExactly("2");
	}

	@Test
	void enumMembersOfColumnType() {
		assertThat(EnumSetValues.members("enum('a','b c','it''s','')")).containsExactly("a", "b c", "it's", "");
		assertThat(EnumSetValues.members("SET('x')")).containsExactly("x");
		assertThat(EnumSetValues.members("varchar(10)")).isNull();
		assertThat(EnumSetValues.members("")).isNull();
	}

	@Test
	void nullTypeIsNull() {
		assertThat(decodeOne(Type.NULL_TYPE, "")).isNull();
	}

	@ParameterizedTest
	@EnumSource(value = Type.class, names = "UNRECOGNIZED", mode = EnumSource.Mode.EXCLUDE)
	void sqlNullIsNullForEveryType(Type type) {
		assertThat(decodeOne(type, null)).isNull();
	}

	@Test
	void mixedRow() {
		TableSchema schema = schema("commerce.orders", field("id", Type.INT64), field("note", Type.VARCHAR),
				field("price", Type.DECIMAL), field("shipped", Type.DATETIME), field("flags", Type.BIT));
		Object[] values = schema.decode(row("7", "\u00fcber \uD83D\uDE80", "9.90", null, new byte[] { 1 }));
		assertThat(values).containsExactly(7L, "\u00fcber \uD83D\uDE80", new BigDecimal("9.90"), null, 1L);
	}

	@Test
	void emptyRowOfEmptyTable() {
		TableSchema schema = schema("t");
		assertThat(schema.decode(row())).isEmpty();
	}

	@Test
	void lengthsCountMustMatchColumns() {
		TableSchema schema = schema("ks.orders", field("id", Type.INT64), field("note", Type.VARCHAR));
		assertThatExceptionOfType(RowMappingException.class).isThrownBy(() -> schema.decode(row("1")))
			.withMessageContaining("'orders'")
			.withMessageContaining("1 values")
			.withMessageContaining("2 columns");
	}

	@Test
	void lengthsMustAddUpToValues() {
		TableSchema schema = schema("orders", field("id", Type.INT64), field("note", Type.VARCHAR));
		Query.Row tooShort = Query.Row.newBuilder()
			.addLengths(1)
			.addLengths(5)
			.setValues(ByteString.copyFrom("1abc", StandardCharsets.UTF_8))
			.build();
		assertThatExceptionOfType(RowMappingException.class).isThrownBy(() -> schema.decode(tooShort))
			.withMessageContaining("'orders'")
			.withMessageContaining("6 bytes")
			.withMessageContaining("4 bytes");
		Query.Row tooLong = Query.Row.newBuilder()
			.addLengths(1)
			.addLengths(-1)
			.setValues(ByteString.copyFrom("12", StandardCharsets.UTF_8))
			.build();
		assertThatExceptionOfType(RowMappingException.class).isThrownBy(() -> schema.decode(tooLong))
			.withMessageContaining("'orders'");
		Query.Row negative = Query.Row.newBuilder()
			.addLengths(-2)
			.addLengths(1)
			.setValues(ByteString.copyFrom("1", StandardCharsets.UTF_8))
			.build();
		assertThatExceptionOfType(RowMappingException.class).isThrownBy(() -> schema.decode(negative))
			.withMessageContaining("'id'")
			.withMessageContaining("-2");
	}

	@Test
	void lengthsThatAddUpOnlyModulo64BitsAreRefusedBeforeAnyValueIsRead() {
		TableSchema schema = schema("orders", field("id", Type.INT64), field("qty", Type.INT64),
				field("note", Type.VARCHAR), field("price", Type.DECIMAL));
		// A row of 8 bytes leaves "99" in the decode buffer past 6 bytes ...
		schema.decode(row("1", "2", "34", "5678"));
		// ... which a row of 6 bytes whose lengths wrap (sum = 2^64 + 6; cast to int:
		// 1, 1, NULL, 5) would have read as the end of its price.
		long big = 1L << 62;
		Query.Row wrapping = Query.Row.newBuilder()
			.addLengths(big + 1)
			.addLengths(big + 1)
			.addLengths(big + 0xFFFFFFFFL)
			.addLengths(big + 5 - (1L << 32))
			.setValues(ByteString.copyFrom("121.25", StandardCharsets.UTF_8))
			.build();
		assertThatExceptionOfType(RowMappingException.class).isThrownBy(() -> schema.decode(wrapping))
			.withMessageContaining("'orders'")
			.withMessageContaining("more than " + Long.MAX_VALUE + " bytes");
	}

	@Test
	void unknownTypeFailsNamingTableAndColumn() {
		FieldEvent event = FieldEvent.newBuilder()
			.setTableName("ks.orders")
			.addFields(field("id", Type.INT64))
			.addFields(Query.Field.newBuilder().setName("shape").setTypeValue(9999))
			.build();
		TableSchema schema = TableSchema.of(event);
		assertThat(schema.columns().get(1).type()).isEqualTo(Type.UNRECOGNIZED);
		assertThatExceptionOfType(RowMappingException.class).isThrownBy(() -> schema.decode(row("1", "x")))
			.withMessageContaining("'orders'")
			.withMessageContaining("'shape'")
			.withMessageContaining("9999");
		// NULL needs no decoding, so the rest of the table stays usable
		assertThat(schema.decode(row("1", null))).containsExactly(1L, null);
	}

	@Test
	void decodingErrorNamesTableColumnAndValue() {
		TableSchema schema = schema("ks.orders", field("placed", Type.DATE));
		assertThatExceptionOfType(RowMappingException.class).isThrownBy(() -> schema.decode(row("yesterday")))
			.withMessageContaining("'orders'")
			.withMessageContaining("'placed'")
			.withMessageContaining("yesterday");
	}

	@Test
	void decodedRowsAreIndependent() {
		TableSchema schema = schema("t", field("b", Type.BLOB));
		Object[] first = schema.decode(row(new byte[] { 1 }));
		((byte[]) first[0])[0] = 9;
		assertThat(Arrays.equals((byte[]) schema.decode(row(new byte[] { 1 }))[0], new byte[] { 1 })).isTrue();
	}

}
