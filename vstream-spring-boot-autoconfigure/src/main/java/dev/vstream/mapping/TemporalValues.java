package dev.vstream.mapping;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.temporal.Temporal;

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

	/**
	 * Decodes the DATE or DATETIME values of one column, reusing the previous value's
	 * {@link LocalDate} while the date repeats, as it mostly does from one row to the
	 * next (the changes of a day, a copied range of rows in key order): one object less
	 * per value.
	 */
	static final class DateColumn implements ValueDecoders.ValueDecoder {

		private final boolean withTime;

		/**
		 * The last date decoded. Read and written without synchronization: a
		 * {@link LocalDate} is immutable (its fields are final, so a thread seeing the
		 * reference sees the whole date), and a stale one only costs a new one.
		 */
		private @Nullable LocalDate last;

		DateColumn(boolean withTime) {
			this.withTime = withTime;
		}

		@Override
		public @Nullable Temporal decode(byte[] bytes, int offset, int length) {
			if (!this.withTime) {
				long fields = (length == 10) ? dateFields(bytes, offset) : -1;
				return (fields >= 0) ? date(year(fields), month(fields), day(fields))
						: parseDate(bytes, offset, length);
			}
			long fields = fields(bytes, offset, length);
			if (fields < 0) {
				return parseDateTimeText(bytes, offset, length);
			}
			return LocalDateTime.of(date(year(fields), month(fields), day(fields)), LocalTime.of(hour(fields),
					minute(fields), second(fields), fraction(bytes, offset + 19, offset + length)));
		}

		private LocalDate date(int year, int month, int day) {
			LocalDate date = this.last;
			if (date == null || date.getDayOfMonth() != day || date.getMonthValue() != month
					|| date.getYear() != year) {
				date = LocalDate.of(year, month, day);
				this.last = date;
			}
			return date;
		}

	}

	static @Nullable LocalDate parseDate(byte[] bytes, int offset, int length) {
		if (length != 10) {
			throw new DateTimeException("not a DATE (yyyy-MM-dd)");
		}
		return date(bytes, offset);
	}

	private static @Nullable LocalDateTime parseDateTimeText(byte[] bytes, int offset, int length) {
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
		// LocalDateTime in between.
		long fields = fields(bytes, offset, length);
		if (fields >= 0) {
			long seconds = epochDay(year(fields), month(fields), day(fields)) * 86_400L + hour(fields) * 3_600L
					+ minute(fields) * 60L + second(fields);
			return Instant.ofEpochSecond(seconds, fraction(bytes, offset + 19, offset + length));
		}
		LocalDateTime dateTime = parseDateTimeText(bytes, offset, length);
		return (dateTime != null) ? dateTime.toInstant(ZoneOffset.UTC) : null;
	}

	/**
	 * The fields of {@code yyyy-MM-dd HH:mm:ss} packed into one {@code long} (year in
	 * bits 40+, then month, day, hour, minute and second, 8 bits each), or -1 when the
	 * text is not exactly that with a valid date and time (zero dates, out-of-range
	 * fields, a {@code T} separator): the caller then takes the general path. Packing
	 * keeps the fast path free of any object besides the result.
	 */
	private static long fields(byte[] bytes, int offset, int length) {
		if (length < 19 || bytes[offset + 10] != ' ' || bytes[offset + 13] != ':' || bytes[offset + 16] != ':') {
			return -1;
		}
		long date = dateFields(bytes, offset);
		int hour = twoDigits(bytes, offset + 11);
		int minute = twoDigits(bytes, offset + 14);
		int second = twoDigits(bytes, offset + 17);
		if (date < 0 || (hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) {
			return -1;
		}
		return date | (hour << 16) | (minute << 8) | second;
	}

	/**
	 * The fields of a valid {@code yyyy-MM-dd} at the offset, packed as by
	 * {@link #fields}, or -1.
	 */
	private static long dateFields(byte[] bytes, int offset) {
		if (bytes[offset + 4] != '-' || bytes[offset + 7] != '-') {
			return -1;
		}
		int century = twoDigits(bytes, offset);
		int yearOfCentury = twoDigits(bytes, offset + 2);
		int month = twoDigits(bytes, offset + 5);
		int day = twoDigits(bytes, offset + 8);
		if ((century | yearOfCentury | month | day) < 0) {
			return -1;
		}
		int year = century * 100 + yearOfCentury;
		if (month < 1 || month > 12 || day < 1 || day > Month.of(month).length(Year.isLeap(year))) {
			return -1;
		}
		return ((long) year << 40) | ((long) month << 32) | ((long) day << 24);
	}

	private static int year(long fields) {
		return (int) (fields >>> 40);
	}

	private static int month(long fields) {
		return (int) (fields >>> 32) & 0xFF;
	}

	private static int day(long fields) {
		return (int) (fields >>> 24) & 0xFF;
	}

	private static int hour(long fields) {
		return (int) (fields >>> 16) & 0xFF;
	}

	private static int minute(long fields) {
		return (int) (fields >>> 8) & 0xFF;
	}

	private static int second(long fields) {
		return (int) fields & 0xFF;
	}

	/**
	 * Two ASCII digits as a number, or a negative number when either is not a digit (one
	 * test for both: any of the four differences below zero).
	 */
	private static int twoDigits(byte[] bytes, int offset) {
		int high = bytes[offset] - '0';
		int low = bytes[offset + 1] - '0';
		return ((high | low | (9 - high) | (9 - low)) < 0) ? -1 : high * 10 + low;
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
