package dev.vstream.mapping;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.Year;
import java.time.ZoneOffset;

import org.jspecify.annotations.Nullable;

/**
 * Decoders of MySQL's DATE, DATETIME, TIMESTAMP and TIME text values, parsed straight
 * from the row's bytes without a {@code String} or a formatter per value.
 */
final class TemporalValues {

	private static final int[] POWERS_OF_TEN = { 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
			1_000_000_000 };

	private TemporalValues() {
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
		// text) takes the general path, which also produces the error messages.
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

}
