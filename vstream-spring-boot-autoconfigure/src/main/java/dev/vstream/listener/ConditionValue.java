package dev.vstream.listener;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.jspecify.annotations.Nullable;

/**
 * A literal of a {@link RowCondition}: a number or a quoted string, compared client-side
 * with a decoded column value. Numbers compare numerically with numeric columns; strings
 * compare by code point with the column's text (dates and times in MySQL's format,
 * {@code 2024-05-01 12:00:00}). vtgate compares by the column's collation, which for text
 * columns is often case-insensitive: a condition checked client-side is exact.
 *
 * @param text the literal's value (a number's digits, a string's characters)
 * @param numeric whether it is a number
 */
public record ConditionValue(String text, boolean numeric) {

	private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS]");

	/**
	 * A number literal.
	 * @param digits its text
	 * @return the literal
	 */
	public static ConditionValue number(String digits) {
		return new ConditionValue(digits, true);
	}

	/**
	 * A string literal.
	 * @param value its characters
	 * @return the literal
	 */
	public static ConditionValue text(String value) {
		return new ConditionValue(value, false);
	}

	/**
	 * @return the literal as SQL
	 */
	public String sql() {
		return this.numeric ? this.text : "'" + this.text.replace("\\", "\\\\").replace("'", "\\'") + "'";
	}

	/**
	 * Compare a column value with this literal.
	 * @param value the decoded value, not {@code null}
	 * @return negative, zero or positive as the value is less than, equal to or greater
	 * than the literal; {@code null} when they cannot be compared
	 */
	@Nullable Integer compareTo(Object value) {
		if (value instanceof Number number) {
			BigDecimal literal = decimal(this.text);
			BigDecimal column = decimal(number);
			return (literal != null && column != null) ? column.compareTo(literal) : null;
		}
		if (this.numeric && value instanceof String text) {
			BigDecimal column = decimal(text.trim());
			return (column != null) ? column.compareTo(new BigDecimal(this.text)) : null;
		}
		return Integer.signum(text(value).compareTo(this.text));
	}

	private static String text(Object value) {
		if (value instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		if (value instanceof LocalDateTime time) {
			return DATE_TIME.format(time);
		}
		if (value instanceof Instant instant) {
			return DATE_TIME.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
		}
		return value.toString();
	}

	private static @Nullable BigDecimal decimal(Object value) {
		try {
			if (value instanceof BigDecimal decimal) {
				return decimal;
			}
			if (value instanceof BigInteger integer) {
				return new BigDecimal(integer);
			}
			if (value instanceof Double || value instanceof Float) {
				double d = ((Number) value).doubleValue();
				return (Double.isFinite(d)) ? BigDecimal.valueOf(d) : null;
			}
			if (value instanceof Number number) {
				return BigDecimal.valueOf(number.longValue());
			}
			return new BigDecimal(value.toString().trim());
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
