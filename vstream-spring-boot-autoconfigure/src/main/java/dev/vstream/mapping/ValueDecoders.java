package dev.vstream.mapping;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;

import io.vitess.proto.Query;
import org.jspecify.annotations.Nullable;

/**
 * Decoders of single values in MySQL text encoding, chosen once per column by
 * {@link #forField}. They parse straight from the row's bytes: a row holds many values
 * and going through an intermediate {@code String} for every number would double the
 * garbage.
 */
final class ValueDecoders {

	/**
	 * MySQL's collation id of binary strings: any other collation makes a string type
	 * text.
	 */
	static final int BINARY_COLLATION = 63;

	/** The most digits a MySQL or MariaDB DECIMAL has. */
	private static final int MAX_DECIMAL_DIGITS = 65;

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
	record Decoding(Class<?> javaType, @Nullable ValueDecoder decoder, int kind) {

		Decoding(Class<?> javaType, @Nullable ValueDecoder decoder) {
			this(javaType, decoder, OTHER);
		}

	}

	/** A decoder called through its interface. */
	static final int OTHER = 0;

	/** The most common decoders, called by {@link #decode} without the interface. */
	static final int UTF8 = 1;

	static final int INT = 2;

	static final int LONG = 3;

	static final int DECIMAL = 4;

	static final int DATETIME = 5;

	static final int TIMESTAMP = 6;

	static final int DATE = 7;

	/**
	 * Decode one non-NULL value. A row mixes many decoders, so a call through the
	 * interface cannot be inlined (the call site sees them all); a switch over the common
	 * ones can.
	 * @param kind the decoding's kind
	 * @param decoder the decoding's decoder
	 * @param bytes the row's bytes
	 * @param offset where the value starts
	 * @param length its length
	 * @return the value
	 */
	static @Nullable Object decode(int kind, ValueDecoder decoder, byte[] bytes, int offset, int length) {
		return switch (kind) {
			case UTF8 -> utf8(bytes, offset, length);
			case INT -> Integer.valueOf(parseInt(bytes, offset, length));
			case LONG -> Long.valueOf(parseLong(bytes, offset, length));
			case DECIMAL -> parseDecimal(bytes, offset, length);
			case DATETIME -> ((TemporalValues.DateColumn) decoder).decode(bytes, offset, length);
			case TIMESTAMP -> TemporalValues.parseTimestamp(bytes, offset, length);
			case DATE -> ((TemporalValues.DateColumn) decoder).decode(bytes, offset, length);
			default -> decoder.decode(bytes, offset, length);
		};
	}

	static Decoding forField(Query.Field field, boolean enumSetStringValues) {
		// MySQL reports the string columns of a binary collation (utf8mb4_bin) with the
		// binary flag, from which Vitess derives BINARY/VARBINARY/BLOB, and ENUM/SET as
		// BINARY with a flag (seen with MariaDB 10.11 behind Vitess 24): the collation
		// and the flags tell them apart.
		int flags = field.getFlags();
		if (field.getType() == Query.Type.ENUM || field.getType() == Query.Type.SET
				|| (flags & (ENUM_FLAG | SET_FLAG)) != 0) {
			boolean set = field.getType() == Query.Type.SET || (flags & SET_FLAG) != 0;
			return new Decoding(String.class, EnumSetValues.decoder(field, set, enumSetStringValues));
		}
		if (isText(field)) {
			return new Decoding(String.class, ValueDecoders::utf8, UTF8);
		}
		return switch (field.getType()) {
			case INT8, UINT8, INT16, UINT16, INT24, UINT24, INT32, YEAR ->
				new Decoding(Integer.class, ValueDecoders::parseInt, INT);
			case UINT32, INT64 -> new Decoding(Long.class, ValueDecoders::parseLong, LONG);
			case UINT64 -> new Decoding(BigInteger.class, ValueDecoders::parseUnsignedLong);
			case FLOAT32 ->
				new Decoding(Float.class, (bytes, offset, length) -> Float.parseFloat(ascii(bytes, offset, length)));
			case FLOAT64 ->
				new Decoding(Double.class, (bytes, offset, length) -> Double.parseDouble(ascii(bytes, offset, length)));
			case DECIMAL -> new Decoding(BigDecimal.class, ValueDecoders::parseDecimal, DECIMAL);
			case DATE -> new Decoding(LocalDate.class, new TemporalValues.DateColumn(false), DATE);
			case DATETIME -> new Decoding(LocalDateTime.class, new TemporalValues.DateColumn(true), DATETIME);
			case TIMESTAMP -> new Decoding(Instant.class, TemporalValues::parseTimestamp, TIMESTAMP);
			case TIME -> new Decoding(Duration.class, TemporalValues::parseTime);
			case CHAR, VARCHAR, TEXT, JSON, EXPRESSION, HEXNUM, HEXVAL, BITNUM ->
				new Decoding(String.class, ValueDecoders::utf8, UTF8);
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
		// saves the char[] and BigDecimal's general parser; the result (unscaled value
		// and scale) is the same.
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

	/**
	 * MySQL's and MariaDB's DECIMAL has at most 65 digits and is sent without exponent:
	 * anything else is malformed, and refused before {@code BigDecimal} spends time
	 * (quadratic in the digits) or a listener's {@code toPlainString()} memory
	 * (exponential in the exponent) on it.
	 */
	private static BigDecimal parseDecimalText(byte[] bytes, int offset, int length) {
		int end = offset + length;
		int i = (length > 0 && (bytes[offset] == '-' || bytes[offset] == '+')) ? offset + 1 : offset;
		int integerStart = i;
		while (i < end && isDigit(bytes[i])) {
			i++;
		}
		int integerDigits = i - integerStart;
		int fractionDigits = 0;
		if (i < end && bytes[i] == '.') {
			int fractionStart = ++i;
			while (i < end && isDigit(bytes[i])) {
				i++;
			}
			fractionDigits = i - fractionStart;
		}
		if (i != end || integerDigits == 0) {
			throw new NumberFormatException("not a DECIMAL ([-]digits[.digits], no exponent)");
		}
		int leadingZeros = 0;
		while (leadingZeros < integerDigits - 1 && bytes[integerStart + leadingZeros] == '0') {
			leadingZeros++;
		}
		if (integerDigits - leadingZeros + fractionDigits > MAX_DECIMAL_DIGITS) {
			throw new NumberFormatException("DECIMAL of more than " + MAX_DECIMAL_DIGITS + " digits");
		}
		char[] chars = new char[length];
		for (int k = 0; k < length; k++) {
			chars[k] = (char) bytes[offset + k];
		}
		return new BigDecimal(chars, 0, length);
	}

	private static boolean isDigit(byte b) {
		return b >= '0' && b <= '9';
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

}
