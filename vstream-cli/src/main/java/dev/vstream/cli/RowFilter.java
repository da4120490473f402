package dev.vstream.cli;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The {@code --where} condition of a tail, checked in the JVM on each row image:
 * comparisons of a column with a value ({@code =}, {@code !=}, {@code <>}, {@code <},
 * {@code <=}, {@code >}, {@code >=}), {@code is null} and {@code is not null}, joined by
 * {@code and}. A value is compared as a number when both sides are numbers, otherwise as
 * text; quotes around it are dropped (and needed for a value with spaces). A column the
 * row does not have never matches.
 */
final class RowFilter {

	/** Matches every row. */
	static final RowFilter ALL = new RowFilter("", List.of());

	private static final Pattern AND = Pattern.compile("\\s+and\\s+", Pattern.CASE_INSENSITIVE);

	private static final Pattern NULL_CHECK = Pattern.compile("(\\w+)\\s+is\\s+(not\\s+)?null",
			Pattern.CASE_INSENSITIVE);

	private static final Pattern COMPARISON = Pattern.compile("(\\w+)\\s*(!=|<>|<=|>=|=|<|>)\\s*(.*)");

	private final String text;

	private final List<Condition> conditions;

	private RowFilter(String text, List<Condition> conditions) {
		this.text = text;
		this.conditions = conditions;
	}

	/**
	 * Parse a condition.
	 * @param text the condition, e.g. {@code customer_id=7 and price>=10}
	 * @return the filter
	 * @throws IllegalArgumentException naming the part that is not understood
	 */
	static RowFilter parse(String text) {
		if (text.isBlank()) {
			return ALL;
		}
		List<Condition> conditions = new ArrayList<>();
		for (String part : AND.split(text.trim())) {
			Matcher isNull = NULL_CHECK.matcher(part.trim());
			Matcher comparison = COMPARISON.matcher(part.trim());
			if (isNull.matches()) {
				conditions
					.add(new Condition(isNull.group(1), (isNull.group(2) != null) ? "is not null" : "is null", null));
			}
			else if (comparison.matches() && readable(comparison.group(3))) {
				conditions.add(new Condition(comparison.group(1), comparison.group(2), unquote(comparison.group(3))));
			}
			else {
				throw new IllegalArgumentException("--where: cannot read '" + part.trim()
						+ "'; supported: col=value, col!=value, col<value, col<=value, col>value, col>=value, "
						+ "col is null, col is not null, joined by 'and'");
			}
		}
		return new RowFilter(text.trim(), List.copyOf(conditions));
	}

	/** A value, quoted if it holds spaces (so that {@code a=1 or b=2} is refused). */
	private static boolean readable(String value) {
		String trimmed = value.trim();
		return !trimmed.isEmpty() && (!trimmed.matches(".*\\s.*") || !unquote(trimmed).equals(trimmed));
	}

	private static String unquote(String value) {
		String trimmed = value.trim();
		if (trimmed.length() >= 2 && (trimmed.charAt(0) == '\'' || trimmed.charAt(0) == '"')
				&& trimmed.charAt(trimmed.length() - 1) == trimmed.charAt(0)) {
			return trimmed.substring(1, trimmed.length() - 1);
		}
		return trimmed;
	}

	/**
	 * Whether a row image satisfies every condition.
	 * @param row the row, column name to value; {@code null} (no image) never matches
	 * @return whether it matches
	 */
	boolean matches(@Nullable Map<String, @Nullable Object> row) {
		if (row == null) {
			return false;
		}
		for (Condition condition : this.conditions) {
			if (!condition.test(row)) {
				return false;
			}
		}
		return true;
	}

	@Override
	public String toString() {
		return this.text;
	}

	private record Condition(String column, String operator, @Nullable String value) {

		boolean test(Map<String, @Nullable Object> row) {
			String key = columnOf(row);
			if (key == null) {
				return false;
			}
			Object actual = row.get(key);
			switch (this.operator) {
				case "is null":
					return actual == null;
				case "is not null":
					return actual != null;
				default:
					if (actual == null || this.value == null) {
						return false;
					}
					int order = compare(ChangePrinter.text(actual), this.value);
					return switch (this.operator) {
						case "=" -> order == 0;
						case "!=", "<>" -> order != 0;
						case "<" -> order < 0;
						case "<=" -> order <= 0;
						case ">" -> order > 0;
						default -> order >= 0;
					};
			}
		}

		private @Nullable String columnOf(Map<String, @Nullable Object> row) {
			if (row.containsKey(this.column)) {
				return this.column;
			}
			for (String key : row.keySet()) {
				if (key.toLowerCase(Locale.ROOT).equals(this.column.toLowerCase(Locale.ROOT))) {
					return key;
				}
			}
			return null;
		}

		private static int compare(String actual, String expected) {
			BigDecimal left = number(actual);
			BigDecimal right = number(expected);
			return (left != null && right != null) ? left.compareTo(right) : actual.compareTo(expected);
		}

		private static @Nullable BigDecimal number(String text) {
			try {
				return new BigDecimal(text.trim());
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}

	}

}
