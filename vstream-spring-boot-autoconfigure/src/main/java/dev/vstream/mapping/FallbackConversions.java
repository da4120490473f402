package dev.vstream.mapping;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Conversions that MySQL schemas need all the time but a plain {@code ConversionService}
 * lacks: {@code TINYINT(1)}/{@code BIT(1)} to {@code boolean}, {@code TIMESTAMP} to the
 * zoned or local date-time types (in UTC, the zone Vitess streams TIMESTAMP values in)
 * and {@code TIME} to {@link LocalTime}. Only used when the conversion service cannot
 * convert itself.
 */
final class FallbackConversions {

	private static final Duration ONE_DAY = Duration.ofDays(1);

	private FallbackConversions() {
	}

	static @Nullable Function<Object, @Nullable Object> find(Class<?> source, Class<?> target) {
		if (target == Boolean.class && Number.class.isAssignableFrom(source)) {
			return (value) -> !isZero((Number) value);
		}
		if (source == Instant.class) {
			if (target == LocalDateTime.class) {
				return (value) -> LocalDateTime.ofInstant((Instant) value, ZoneOffset.UTC);
			}
			if (target == OffsetDateTime.class) {
				return (value) -> ((Instant) value).atOffset(ZoneOffset.UTC);
			}
			if (target == ZonedDateTime.class) {
				return (value) -> ((Instant) value).atZone(ZoneOffset.UTC);
			}
		}
		if (source == Duration.class && target == LocalTime.class) {
			return (value) -> toLocalTime((Duration) value);
		}
		return null;
	}

	private static boolean isZero(Number number) {
		if (number instanceof BigInteger big) {
			return big.signum() == 0;
		}
		if (number instanceof BigDecimal big) {
			return big.signum() == 0;
		}
		if (number instanceof Float || number instanceof Double) {
			return number.doubleValue() == 0;
		}
		return number.longValue() == 0;
	}

	private static LocalTime toLocalTime(Duration duration) {
		if (duration.isNegative() || duration.compareTo(ONE_DAY) >= 0) {
			throw new IllegalArgumentException("TIME " + duration + " is not a time of day (00:00 to 23:59:59)");
		}
		return LocalTime.ofNanoOfDay(duration.toNanos());
	}

}
