package dev.vstream.listener;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One term of a {@link RowCondition}.
 *
 * @param kind what it checks
 * @param column the column, empty for {@code in_keyrange}
 * @param op the comparison operator ({@code =}, {@code !=}, {@code <}, {@code <=},
 * {@code >}, {@code >=}), empty otherwise
 * @param values the literals: one for a comparison, the list of {@code in}, the bounds of
 * {@code between}
 * @param negated {@code is not null}, {@code not between}
 * @param raw the SQL of {@code in_keyrange(...)}, empty otherwise
 */
public record ConditionTerm(Kind kind, String column, String op, List<ConditionValue> values, boolean negated,
		String raw) {

	/** What a term checks. */
	public enum Kind {

		/** {@code column op literal}. */
		COMPARE,
		/** {@code column in (literal, ...)}. */
		IN,
		/** {@code column is [not] null}. */
		IS_NULL,
		/** {@code column [not] between literal and literal}. */
		BETWEEN,
		/** {@code in_keyrange(...)}: vtgate's only. */
		IN_KEYRANGE

	}

	public ConditionTerm {
		values = List.copyOf(values);
	}

	static ConditionTerm compare(String column, String op, ConditionValue value) {
		return new ConditionTerm(Kind.COMPARE, column, op, List.of(value), false, "");
	}

	static ConditionTerm in(String column, List<ConditionValue> values) {
		return new ConditionTerm(Kind.IN, column, "", values, false, "");
	}

	static ConditionTerm isNull(String column, boolean not) {
		return new ConditionTerm(Kind.IS_NULL, column, "", List.of(), not, "");
	}

	static ConditionTerm between(String column, ConditionValue low, ConditionValue high, boolean not) {
		return new ConditionTerm(Kind.BETWEEN, column, "", List.of(low, high), not, "");
	}

	static ConditionTerm inKeyrange(String raw) {
		return new ConditionTerm(Kind.IN_KEYRANGE, "", "", List.of(), false, raw);
	}

	/**
	 * @return the term as SQL
	 */
	public String sql() {
		String name = quote(this.column);
		return switch (this.kind) {
			case COMPARE -> name + " " + this.op + " " + this.values.get(0).sql();
			case IN -> name + " in (" + String.join(", ", this.values.stream().map(ConditionValue::sql).toList()) + ")";
			case IS_NULL -> name + (this.negated ? " is not null" : " is null");
			case BETWEEN -> name + (this.negated ? " not between " : " between ") + this.values.get(0).sql() + " and "
					+ this.values.get(1).sql();
			case IN_KEYRANGE -> this.raw;
		};
	}

	/**
	 * Whether a column value passes, as vtgate decides: SQL {@code NULL} passes only
	 * {@code is null}.
	 * @param value the decoded value
	 * @return whether it passes
	 */
	boolean test(@Nullable Object value) {
		if (this.kind == Kind.IS_NULL) {
			return (value == null) != this.negated;
		}
		if (value == null) {
			return false;
		}
		return switch (this.kind) {
			case COMPARE -> compares(this.values.get(0).compareTo(value));
			case IN -> this.values.stream().anyMatch((v) -> Integer.valueOf(0).equals(v.compareTo(value)));
			case BETWEEN -> between(value);
			default -> true;
		};
	}

	private boolean compares(@Nullable Integer result) {
		if (result == null) {
			return false;
		}
		return switch (this.op) {
			case "=" -> result == 0;
			case "!=" -> result != 0;
			case "<" -> result < 0;
			case "<=" -> result <= 0;
			case ">" -> result > 0;
			default -> result >= 0;
		};
	}

	private boolean between(Object value) {
		Integer low = this.values.get(0).compareTo(value);
		Integer high = this.values.get(1).compareTo(value);
		if (low == null || high == null) {
			return false;
		}
		boolean inside = low >= 0 && high <= 0;
		return inside != this.negated;
	}

	static String quote(String identifier) {
		return "`" + identifier.replace("`", "``") + "`";
	}

}
