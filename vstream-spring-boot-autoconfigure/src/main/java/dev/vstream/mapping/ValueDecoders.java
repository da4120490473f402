package dev.vstream.mapping;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.vitess.proto.Query;
import org.jspecify.annotations.Nullable;

/**
 * Decoders of single values in MySQL text encoding, chosen once per column by
 * {@link #forField}. They parse straight from the row's bytes: a row holds many values
 * and going through an intermediate {@code String} for every number would double the
 * garbage.
 */
final class ValueDecoders {

	private static final int[] POWERS_OF_TEN = { 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
			1_000_000_000 };

	/**
	 * MySQL's collation id of binary strings: any other collation makes a string type
	 * text.
	 */
	static final int BINARY_COLLATION = 63;

	private static final int ENUM_FLAG = 256;

	private static final int SET_FLAG = 2048;

	private ValueDecoders() {
	}

	/**
	 * Decodes one non-NULL value. Throws any runtime exception on malformed input; the
	 * schema adds table, column and value to the message.
	 */
	@FunctionalInterface
	interface ValueDecoder {

		@Nullable Object decode(byte[] bytes, int offset, int length);

	}

	/**
	 * How a column is decoded.
	 *
	 * @param javaType the type of the decoded values
	 * @param decoder the decoder, {@code null} when the column type is not supported
	 */
	record Decoding(Class<?> javaType, @Nullable ValueDecoder decoder) {
	}

	static Decoding forField(Query.Field field, boolean enumSetStringValues) {
		// MySQL reports the string columns of a binary collation (utf8mb4_bin) with the
		// binary flag,
		// from which Vitess derives BINARY/VARBINARY/BLOB, and ENUM/SET as BINARY with a
		// flag
		// (seen with MariaDB 10.11 behind Vitess 24): the collation and the flags tell
		// them apart.
		int flags = field.getFlags();
		if (field.getType() == Query.Type.ENUM || field.getType() == Query.Type.SET
				|| (flags & (ENUM_FLAG | SET_FLAG)) != 0) {
			boolean set = field.getType() == Query.Type.SET || (flags & SET_FLAG) != 0;
			return new Decoding(String.class, enumOrSet(field, set, enumSetStringValues));
		}
		if (isText(field)) {
			return new Decoding(String.class, ValueDecoders::utf8);
		}
		return switch (field.getType()) {
			case INT8, UINT8, INT16, UINT16, INT24, UINT24, INT32, YEAR ->
				new Decoding(Integer.class, ValueDecoders::parseInt);
			case UINT32, INT64 -> new Decoding(Long.class, ValueDecoders::parseLong);
			case UINT64 -> new Decoding(BigInteger.class, ValueDecoders::parseUnsignedLong);
			case FLOAT32 ->
				new Decoding(Float.class, (bytes, offset, length) -> Float.parseFloat(ascii(bytes, offset, length)));
			case FLOAT64 ->
				new Decoding(Double.class, (bytes, offset, length) -> Double.parseDouble(ascii(bytes, offset, length)));
			case DECIMAL -> new Decoding(BigDecimal.class, ValueDecoders::parseDecimal);
			case DATE -> new Decoding(LocalDate.class, ValueDecoders::parseDate);
			case DATETIME -> new Decoding(LocalDateTime.class, ValueDecoders::parseDateTime);
			case TIMESTAMP -> new Decoding(Instant.class, ValueDecoders::parseTimestamp);
			case TIME -> new Decoding(Duration.class, ValueDecoders::parseTime);
			case CHAR, VARCHAR, TEXT, JSON, EXPRESSION, HEXNUM, HEXVAL, BITNUM ->
				new Decoding(String.class, ValueDecoders::utf8);
			case BINARY, VARBINARY, BLOB, GEOMETRY, VECTOR, RAW -> new Decoding(byte[].class,
					(bytes, offset, length) -> Arrays.copyOfRange(bytes, offset, offset + length));
			case BIT -> new Decoding(Long.class, ValueDecoders::parseBit);
			case NULL_TYPE -> new Decoding(Object.class, (bytes, offset, length) -> null);
			// TUPLE and ROW_TUPLE only occur in queries, UNRECOGNIZED is newer than this
			// code
			default -> new Decoding(Object.class, null);
		};
	}

	/**
	 * Whether a BINARY, VARBINARY or BLOB column holds text: its collation is a character
	 * set's (a collation id of 0 means the FIELD event does not say, and the column stays
	 * binary).
	 */
	static boolean isText(Query.Field field) {
		return switch (field.getType()) {
			case BINARY, VARBINARY, BLOB -> field.getCharset() != 0 && field.getCharset() != BINARY_COLLATION;
			default -> false;
		};
	}

	static int parseInt(byte[] bytes, int offset, int length) {
		long value = parseLong(bytes, offset, length);
		if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
			throw new NumberFormatException("out of the range of int");
		}
		return (int) value;
	}

	static long parseLong(byte[] bytes, int offset, int length) {
		int end = offset + length;
		int i = offset;
		boolean negative = false;
		if (length > 0 && (bytes[i] == '-' || bytes[i] == '+')) {
			negative = (bytes[i] == '-');
			i++;
		}
		if (i == end) {
			throw new NumberFormatException("not an integer");
		}
		// Accumulate negatively, as Long.parseLong does, so that Long.MIN_VALUE fits
		long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
		long limitBeforeMultiply = limit / 10;
		long result = 0;
		for (; i < end; i++) {
			int digit = bytes[i] - '0';
			if (digit < 0 || digit > 9) {
				throw new NumberFormatException("not an integer");
			}
			if (result < limitBeforeMultiply) {
				throw new NumberFormatException("out of the range of long");
			}
			result *= 10;
			if (result < limit + digit) {
				throw new NumberFormatException("out of the range of long");
			}
			result -= digit;
		}
		return negative ? result : -result;
	}

	static BigInteger parseUnsignedLong(byte[] bytes, int offset, int length) {
		// 18 digits always fit a long, so only the top of the range needs BigInteger
		// parsing
		if (length <= 18) {
			return BigInteger.valueOf(parseLong(bytes, offset, length));
		}
		return new BigInteger(ascii(bytes, offset, length));
	}

	static BigDecimal parseDecimal(byte[] bytes, int offset, int length) {
		// MySQL sends DECIMAL as [-]digits[.digits]: up to 18 digits fit a long, which
		// saves the
		// char[] and BigDecimal's general parser; the result (unscaled value and scale)
		// is the same.
		int end = offset + length;
		int i = offset;
		boolean negative = (length > 0 && bytes[i] == '-');
		if (negative) {
			i++;
		}
		long unscaled = 0;
		int digits = 0;
		int scale = -1;
		for (; i < end; i++) {
			int b = bytes[i];
			if (b >= '0' && b <= '9') {
				unscaled = unscaled * 10 + (b - '0');
				digits++;
				if (scale >= 0) {
					scale++;
				}
			}
			else if (b == '.' && scale < 0 && digits > 0) {
				scale = 0;
			}
			else {
				digits = Integer.MAX_VALUE;
				break;
			}
		}
		if (digits > 0 && digits <= 18 && scale != 0) {
			return BigDecimal.valueOf(negative ? -unscaled : unscaled, Math.max(scale, 0));
		}
		return parseDecimalText(bytes, offset, length);
	}

	private static BigDecimal parseDecimalText(byte[] bytes, int offset, int length) {
		char[] chars = new char[length];
		for (int i = 0; i < length; i++) {
			chars[i] = (char) bytes[offset + i];
		}
		return new BigDecimal(chars, 0, length);
	}

	static @Nullable LocalDate parseDate(byte[] bytes, int offset, int length) {
		if (length != 10) {
			throw new DateTimeException("not a DATE (yyyy-MM-dd)");
		}
		return date(bytes, offset);
	}

	static @Nullable LocalDateTime parseDateTime(byte[] bytes, int offset, int length) {
		if (length < 19 || (bytes[offset + 10] != ' ' && bytes[offset + 10] != 'T') || bytes[offset + 13] != ':'
				|| bytes[offset + 16] != ':') {
			throw new DateTimeException("not a DATETIME (yyyy-MM-dd HH:mm:ss[.ffffff])");
		}
		LocalDate date = date(bytes, offset);
		int hour = digits(bytes, offset + 11, 2);
		int minute = digits(bytes, offset + 14, 2);
		int second = digits(bytes, offset + 17, 2);
		int nanos = fraction(bytes, offset + 19, offset + length);
		return (date != null) ? date.atTime(hour, minute, second, nanos) : null;
	}

	static @Nullable Instant parseTimestamp(byte[] bytes, int offset, int length) {
		// The usual case straight to epoch seconds, without the LocalDate, LocalTime and
		// LocalDateTime in between; anything unusual (zero or invalid dates, malformed
		// text) takes
		// the general path, which also produces the error messages.
		if (length >= 19 && bytes[offset + 4] == '-' && bytes[offset + 7] == '-' && bytes[offset + 10] == ' '
				&& bytes[offset + 13] == ':' && bytes[offset + 16] == ':' && allDigits(bytes, offset, 4)
				&& allDigits(bytes, offset + 5, 2) && allDigits(bytes, offset + 8, 2)
				&& allDigits(bytes, offset + 11, 2) && allDigits(bytes, offset + 14, 2)
				&& allDigits(bytes, offset + 17, 2)) {
			int year = digits(bytes, offset, 4);
			int month = digits(bytes, offset + 5, 2);
			int day = digits(bytes, offset + 8, 2);
			int hour = digits(bytes, offset + 11, 2);
			int minute = digits(bytes, offset + 14, 2);
			int second = digits(bytes, offset + 17, 2);
			if (month >= 1 && month <= 12 && day >= 1 && day <= Month.of(month).length(Year.isLeap(year)) && hour <= 23
					&& minute <= 59 && second <= 59) {
				int nanos = fraction(bytes, offset + 19, offset + length);
				long seconds = epochDay(year, month, day) * 86_400L + hour * 3_600L + minute * 60L + second;
				return Instant.ofEpochSecond(seconds, nanos);
			}
		}
		LocalDateTime dateTime = parseDateTime(bytes, offset, length);
		return (dateTime != null) ? dateTime.toInstant(ZoneOffset.UTC) : null;
	}

	private static boolean allDigits(byte[] bytes, int offset, int count) {
		for (int i = offset; i < offset + count; i++) {
			if (bytes[i] < '0' || bytes[i] > '9') {
				return false;
			}
		}
		return true;
	}

	/**
	 * Days since 1970-01-01 of a valid proleptic Gregorian date, counted in 400-year eras
	 * of 146,097 days whose years start on March 1st (so that the leap day ends a year).
	 */
	static long epochDay(int year, int month, int day) {
		long y = (month <= 2) ? year - 1 : year;
		long era = Math.floorDiv(y, 400);
		long yearOfEra = y - era * 400;
		int monthFromMarch = (month + 9) % 12;
		long dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1;
		long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
		// 719,468 days from 0000-03-01 to 1970-01-01
		return era * 146_097 + dayOfEra - 719_468;
	}

	/**
	 * Zero dates, and dates with a zero month or day, have no {@link LocalDate}:
	 * {@code null}.
	 */
	private static @Nullable LocalDate date(byte[] bytes, int offset) {
		if (bytes[offset + 4] != '-' || bytes[offset + 7] != '-') {
			throw new DateTimeException("not a date (yyyy-MM-dd)");
		}
		int year = digits(bytes, offset, 4);
		int month = digits(bytes, offset + 5, 2);
		int day = digits(bytes, offset + 8, 2);
		return (month == 0 || day == 0) ? null : LocalDate.of(year, month, day);
	}

	static Duration parseTime(byte[] bytes, int offset, int length) {
		int end = offset + length;
		int i = offset;
		boolean negative = (length > 0 && bytes[i] == '-');
		if (negative) {
			i++;
		}
		// TIME spans -838:59:59 to 838:59:59, so the hours have no fixed width
		int hoursStart = i;
		while (i < end && bytes[i] != ':') {
			i++;
		}
		if (i == hoursStart || i - hoursStart > 9 || end - i < 6 || bytes[i + 3] != ':') {
			throw new DateTimeException("not a TIME ([-]HHH:mm:ss[.ffffff])");
		}
		long hours = digits(bytes, hoursStart, i - hoursStart);
		int minutes = digits(bytes, i + 1, 2);
		int seconds = digits(bytes, i + 4, 2);
		if (minutes > 59 || seconds > 59) {
			throw new DateTimeException("not a TIME: minutes or seconds out of range");
		}
		Duration duration = Duration.ofSeconds(hours * 3600 + minutes * 60 + seconds, fraction(bytes, i + 6, end));
		return negative ? duration.negated() : duration;
	}

	/**
	 * Nanoseconds of an optional fraction ({@code .f} to {@code .fffffffff}) ending at
	 * end.
	 */
	private static int fraction(byte[] bytes, int start, int end) {
		if (start == end) {
			return 0;
		}
		int digits = end - start - 1;
		if (bytes[start] != '.' || digits < 1 || digits > 9) {
			throw new DateTimeException("malformed fractional seconds");
		}
		return digits(bytes, start + 1, digits) * POWERS_OF_TEN[9 - digits];
	}

	private static int digits(byte[] bytes, int offset, int count) {
		int value = 0;
		for (int i = offset; i < offset + count; i++) {
			int digit = bytes[i] - '0';
			if (digit < 0 || digit > 9) {
				throw new DateTimeException("expected a digit at position " + (i - offset));
			}
			value = value * 10 + digit;
		}
		return value;
	}

	/** BIT(n) arrives as n bits, big-endian, in up to 8 bytes. */
	static long parseBit(byte[] bytes, int offset, int length) {
		if (length > 8) {
			throw new NumberFormatException("BIT value longer than 8 bytes");
		}
		long value = 0;
		for (int i = offset; i < offset + length; i++) {
			value = (value << 8) | (bytes[i] & 0xFF);
		}
		return value;
	}

	static String utf8(byte[] bytes, int offset, int length) {
		return new String(bytes, offset, length, StandardCharsets.UTF_8);
	}

	static String ascii(byte[] bytes, int offset, int length) {
		return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
	}

	/**
	 * ENUM and SET values are strings, except in streams that do not set
	 * {@code enum_set_string_values} (vtgate before v20 and direct vttablet streams):
	 * there the binlog phase sends the 1-based ENUM index or the SET bit mask, which are
	 * mapped back to names through the column type {@code enum('a','b')} /
	 * {@code set('a','b')}.
	 */
	private static ValueDecoder enumOrSet(Query.Field field, boolean set, boolean enumSetStringValues) {
		List<String> members = enumSetStringValues ? null : members(field.getColumnType());
		if (members == null) {
			return ValueDecoders::utf8;
		}
		String[] names = members.toArray(new String[0]);
		Set<String> known = new HashSet<>(members);
		return (bytes, offset, length) -> {
			String text = utf8(bytes, offset, length);
			if (length == 0 || known.contains(text) || !isDigits(bytes, offset, length)) {
				return text;
			}
			long number = Long.parseUnsignedLong(text);
			return set ? setNames(names, number) : enumName(names, number);
		};
	}

	private static String enumName(String[] names, long index) {
		if (index == 0) {
			// MySQL's error value for an invalid ENUM
			return "";
		}
		if (index < 0 || index > names.length) {
			throw new IllegalArgumentException("ENUM index out of range 1.." + names.length);
		}
		return names[(int) index - 1];
	}

	private static String setNames(String[] names, long mask) {
		if (names.length < 64 && (mask >>> names.length) != 0) {
			throw new IllegalArgumentException("SET bit mask has bits beyond its " + names.length + " members");
		}
		StringBuilder result = new StringBuilder();
		for (int i = 0; i < names.length; i++) {
			if ((mask & (1L << i)) != 0) {
				if (result.length() > 0) {
					result.append(',');
				}
				result.append(names[i]);
			}
		}
		return result.toString();
	}

	private static boolean isDigits(byte[] bytes, int offset, int length) {
		for (int i = offset; i < offset + length; i++) {
			if (bytes[i] < '0' || bytes[i] > '9') {
				return false;
			}
		}
		return true;
	}

	/**
	 * The members of {@code enum('a','it''s')}, or {@code null} when it is not such a
	 * type.
	 */
	static @Nullable List<String> members(String columnType) {
		String lower = columnType.toLowerCase(Locale.ROOT);
		int open = columnType.indexOf('(');
		if (!(lower.startsWith("enum(") || lower.startsWith("set(")) || !columnType.endsWith(")")) {
			return null;
		}
		List<String> members = new ArrayList<>();
		int end = columnType.length() - 1;
		int i = open + 1;
		while (i < end) {
			if (columnType.charAt(i) != '\'') {
				return null;
			}
			StringBuilder member = new StringBuilder();
			i++;
			while (true) {
				if (i >= end) {
					return null;
				}
				char c = columnType.charAt(i);
				if (c == '\'' && i + 1 < end && columnType.charAt(i + 1) == '\'') {
					member.append('\'');
					i += 2;
				}
				else if (c == '\'') {
					i++;
					break;
				}
				else {
					member.append(c);
					i++;
				}
			}
			members.add(member.toString());
			if (i < end && columnType.charAt(i) == ',') {
				i++;
			}
		}
		return members;
	}

}
