package dev.vstream.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.vstream.position.LogSafeText;
import dev.vstream.stream.StreamStart;
import dev.vstream.stream.VStreamContainer;
import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * What the endpoint and the health indicator both derive from a container, so that they
 * cannot disagree on how an error is shown or how lag is computed.
 */
final class StreamReport {

	// Defence in depth: the container holds no credentials, but an error message may
	// quote a connection string or a server reply, and it ends up on an HTTP endpoint.
	private static final Pattern URI_USER_INFO = Pattern.compile("(?<=://)[^/@\\s]+@");

	private static final Pattern SECRET_ASSIGNMENT = Pattern
		.compile("(?i)\\b(password|passwd|pwd|secret|token|credentials?)(\"?\\s*[=:]\\s*\"?)[^\\s,;&)\"'}]+");

	/** Long enough for any message of the starter or vtgate; a longer one is cut. */
	private static final int MAX_MESSAGE_LENGTH = 2000;

	private static final String MASK = "******";

	private StreamReport() {
	}

	/**
	 * The message of an error, never its stack trace nor its cause chain: those belong in
	 * the log, not in an HTTP response.
	 * @param error the error, may be {@code null}
	 * @return the message with anything that looks like a credential masked, or
	 * {@code null}
	 */
	static @Nullable String message(@Nullable Throwable error) {
		if (error == null) {
			return null;
		}
		String message = error.getMessage();
		if (!StringUtils.hasText(message)) {
			return error.getClass().getSimpleName();
		}
		message = URI_USER_INFO.matcher(message).replaceAll(MASK + "@");
		message = SECRET_ASSIGNMENT.matcher(message).replaceAll("$1$2" + MASK);
		return LogSafeText.of(message, MAX_MESSAGE_LENGTH);
	}

	/**
	 * How long ago the last handled change was committed: the stream's lag while changes
	 * flow, an upper bound of it on a quiet table. Commit times have second precision.
	 * @param container the stream
	 * @param now the current time
	 * @return the lag, never negative, or {@code null} before the first handled change
	 */
	static @Nullable Duration lag(VStreamContainer container, Instant now) {
		return container.getLag(now);
	}

	/**
	 * What the last start began from, as the endpoint and health show it.
	 * @param start the last start, may be {@code null}
	 * @return {@code saved-position}, {@code start-vgtid}, {@code copy} or
	 * {@code current}; {@code null} before the first start
	 */
	static @Nullable String startedFrom(@Nullable StreamStart start) {
		return (start != null) ? start.from().name().toLowerCase(Locale.ROOT).replace('_', '-') : null;
	}

}
