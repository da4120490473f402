package dev.vstream.position;

import org.jspecify.annotations.Nullable;

/**
 * Text from outside the application (what vtgate sends, a stored position, an HTTP
 * caller's input) made safe to write into a log line or an endpoint answer: control
 * characters are escaped as {@code \\uXXXX}, so that a line break in such a value cannot
 * start a forged log line, and the length is capped. Here at the bottom of the layers,
 * since positions are the most common such text and every other package may log them.
 */
public final class LogSafeText {

	private LogSafeText() {
	}

	/**
	 * Escape control characters and cap the length.
	 * @param text the text, {@code null} for none
	 * @param maxLength the most characters kept (escapes count as written); longer text
	 * ends in {@code ...}
	 * @return the safe text ({@code "null"} for {@code null})
	 */
	public static String of(@Nullable String text, int maxLength) {
		if (text == null) {
			return "null";
		}
		if (text.length() <= maxLength && text.chars().noneMatch(Character::isISOControl)) {
			return text;
		}
		StringBuilder safe = new StringBuilder(Math.min(text.length(), maxLength) + 16);
		for (int i = 0; i < text.length() && safe.length() < maxLength; i++) {
			char c = text.charAt(i);
			if (Character.isISOControl(c)) {
				safe.append(String.format("\\u%04x", (int) c));
			}
			else {
				safe.append(c);
			}
		}
		if (safe.length() >= maxLength && text.length() > maxLength) {
			safe.append("...");
		}
		return safe.toString();
	}

}
