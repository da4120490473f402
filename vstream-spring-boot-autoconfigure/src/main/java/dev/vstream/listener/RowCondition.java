package dev.vstream.listener;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.vstream.listener.ConditionTerm.Kind;
import dev.vstream.mapping.TableSchema;
import org.jspecify.annotations.Nullable;

/**
 * A listener's {@code where} condition, in the form Vitess's vstreamer accepts in a
 * filter rule: terms joined by {@code and}, each {@code column op literal} ({@code =},
 * {@code !=}, {@code <>}, {@code <}, {@code <=}, {@code >}, {@code >=}),
 * {@code column in (literal, ...)}, {@code column is [not] null},
 * {@code column [not] between literal and literal}, or {@code in_keyrange(...)}. Parsed
 * at start-up, so that anything else (or, not in, functions, qualified columns,
 * sub-queries) fails there, naming the listener.
 *
 * <p>
 * Rendered back as the {@code where} of a rule ({@link #sql()}), and evaluated
 * client-side over decoded rows when a table's listeners want different conditions and
 * vtgate can apply only their common terms (see {@link #matchesEither}).
 */
public final class RowCondition {

	private final List<ConditionTerm> terms;

	private volatile @Nullable Bound bound;

	private RowCondition(List<ConditionTerm> terms) {
		this.terms = List.copyOf(terms);
	}

	/**
	 * Parse a condition.
	 * @param where the condition, as in {@code where} of a filter rule
	 * @return the condition
	 * @throws IllegalArgumentException saying what is not supported
	 */
	public static RowCondition parse(String where) {
		return new RowCondition(new ConditionParser(where).parse());
	}

	/**
	 * A condition of some terms.
	 * @param terms the terms, joined by {@code and}
	 * @return the condition
	 */
	public static RowCondition of(List<ConditionTerm> terms) {
		return new RowCondition(terms);
	}

	/**
	 * @return the terms, joined by {@code and}
	 */
	public List<ConditionTerm> terms() {
		return this.terms;
	}

	/**
	 * @return the columns the terms name (not those of {@code in_keyrange}), lower case
	 */
	public Set<String> columns() {
		Set<String> columns = new LinkedHashSet<>();
		for (ConditionTerm term : this.terms) {
			if (term.kind() != Kind.IN_KEYRANGE) {
				columns.add(term.column().toLowerCase(Locale.ROOT));
			}
		}
		return columns;
	}

	/**
	 * @return the condition as SQL, terms joined by {@code and}
	 */
	public String sql() {
		return String.join(" and ", this.terms.stream().map(ConditionTerm::sql).toList());
	}

	/**
	 * Whether a change passes, as vtgate decides for a rule without {@code in_keyrange}:
	 * when its before or its after image matches. {@code in_keyrange} terms count as
	 * matched: vtgate applies them itself (and then sends only the images that match).
	 * @param schema the columns of the images
	 * @param before the before image, {@code null} for inserts
	 * @param after the after image, {@code null} for deletes
	 * @return whether the listener gets the change
	 */
	public boolean matchesEither(TableSchema schema, Object @Nullable [] before, Object @Nullable [] after) {
		Bound current = this.bound;
		if (current == null || current.schema != schema) {
			current = new Bound(schema, indexes(schema));
			this.bound = current;
		}
		return (before != null && matches(current.indexes, before))
				|| (after != null && matches(current.indexes, after));
	}

	private boolean matches(int[] indexes, @Nullable Object[] row) {
		for (int i = 0; i < indexes.length; i++) {
			ConditionTerm term = this.terms.get(i);
			if (term.kind() == Kind.IN_KEYRANGE) {
				continue;
			}
			// A column the images lack (vtgate sent fewer) cannot match.
			if (indexes[i] < 0 || !term.test(row[indexes[i]])) {
				return false;
			}
		}
		return true;
	}

	private int[] indexes(TableSchema schema) {
		int[] indexes = new int[this.terms.size()];
		List<TableSchema.Column> columns = schema.columns();
		for (int i = 0; i < indexes.length; i++) {
			indexes[i] = -1;
			for (int c = 0; c < columns.size(); c++) {
				if (columns.get(c).name().equalsIgnoreCase(this.terms.get(i).column())) {
					indexes[i] = c;
					break;
				}
			}
		}
		return indexes;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof RowCondition that && this.terms.equals(that.terms));
	}

	@Override
	public int hashCode() {
		return this.terms.hashCode();
	}

	@Override
	public String toString() {
		return sql();
	}

	private record Bound(TableSchema schema, int[] indexes) {
	}

	/** Reads a condition: terms joined by {@code and}. */
	private static final class ConditionParser {

		private final String text;

		private final List<String> tokens = new ArrayList<>();

		private int next;

		ConditionParser(String text) {
			this.text = text;
		}

		List<ConditionTerm> parse() {
			tokenize();
			if (this.tokens.isEmpty()) {
				throw invalid("it is empty");
			}
			List<ConditionTerm> terms = new ArrayList<>();
			do {
				terms.add(term());
			}
			while (acceptKeyword("and"));
			if (this.next < this.tokens.size()) {
				String token = this.tokens.get(this.next);
				throw invalid(
						token.equalsIgnoreCase("or") ? "vtgate joins conditions with 'and' only; 'or' is not supported"
								: "unexpected '" + token + "'");
			}
			return terms;
		}

		private ConditionTerm term() {
			String first = take("a column");
			if (first.equalsIgnoreCase("in_keyrange") && peek("(")) {
				return ConditionTerm.inKeyrange("in_keyrange" + rawParenthesized());
			}
			if (first.equalsIgnoreCase("not") || first.equals("(")) {
				throw invalid("'" + first + "' before a term is not supported; write column op literal");
			}
			String column = identifier(first);
			if (acceptKeyword("is")) {
				boolean not = acceptKeyword("not");
				expectKeyword("null");
				return ConditionTerm.isNull(column, not);
			}
			boolean not = acceptKeyword("not");
			if (acceptKeyword("in")) {
				if (not) {
					throw invalid("'not in' is not supported by vtgate's filter; use != terms joined by and");
				}
				expect("(");
				List<ConditionValue> values = new ArrayList<>();
				do {
					values.add(literal());
				}
				while (accept(","));
				expect(")");
				return ConditionTerm.in(column, values);
			}
			if (acceptKeyword("between")) {
				ConditionValue low = literal();
				expectKeyword("and");
				return ConditionTerm.between(column, low, literal(), not);
			}
			if (not) {
				throw invalid("'not' is supported only in 'is not null', 'not between'");
			}
			String op = take("an operator");
			if (!List.of("=", "!=", "<>", "<", "<=", ">", ">=").contains(op)) {
				throw invalid("operator '" + op + "' is not supported; supported: =, !=, <>, <, <=, >, >=, in, "
						+ "is [not] null, [not] between, in_keyrange(...)");
			}
			return ConditionTerm.compare(column, op.equals("<>") ? "!=" : op, literal());
		}

		private ConditionValue literal() {
			String token = take("a literal");
			if (token.startsWith("'")) {
				return ConditionValue.text(token.substring(1));
			}
			if (token.matches("-?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?")) {
				return ConditionValue.number(token);
			}
			throw invalid("'" + token + "' is not a literal; compare a column with a number or a quoted string");
		}

		private String identifier(String token) {
			if (token.startsWith("`")) {
				return token.substring(1);
			}
			if (token.indexOf('.') >= 0) {
				throw invalid("qualified column '" + token + "' is not supported; name the column only");
			}
			if (!token.matches("[A-Za-z0-9_$]+") || token.matches("\\d+")) {
				throw invalid("'" + token + "' is not a column");
			}
			return token;
		}

		private String rawParenthesized() {
			int depth = 0;
			StringBuilder raw = new StringBuilder();
			do {
				String token = take("')'");
				depth += token.equals("(") ? 1 : token.equals(")") ? -1 : 0;
				raw.append(token.startsWith("'") ? ConditionValue.text(token.substring(1)).sql()
						: token.startsWith("`") ? ConditionTerm.quote(token.substring(1)) : token);
			}
			while (depth > 0);
			return raw.toString().replace(",", ", ");
		}

		private void tokenize() {
			int i = 0;
			while (i < this.text.length()) {
				char c = this.text.charAt(i);
				if (Character.isWhitespace(c)) {
					i++;
				}
				else if (c == '\'' || c == '`') {
					i = quoted(i, c);
				}
				else if ("<>!=".indexOf(c) >= 0) {
					int end = (i + 1 < this.text.length() && "=>".indexOf(this.text.charAt(i + 1)) >= 0) ? i + 2
							: i + 1;
					this.tokens.add(this.text.substring(i, end));
					i = end;
				}
				else if ("(),".indexOf(c) >= 0) {
					this.tokens.add(String.valueOf(c));
					i++;
				}
				else if (isWordChar(c)
						|| (c == '-' && i + 1 < this.text.length() && isWordChar(this.text.charAt(i + 1)))) {
					int end = i + 1;
					while (end < this.text.length() && isWordChar(this.text.charAt(end))) {
						end++;
					}
					this.tokens.add(this.text.substring(i, end));
					i = end;
				}
				else {
					throw invalid("'" + c + "' is not supported");
				}
			}
		}

		private static boolean isWordChar(char c) {
			return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '.';
		}

		/** A quoted string (kept as ' + its value) or identifier (` + its name). */
		private int quoted(int start, char quote) {
			StringBuilder value = new StringBuilder().append(quote);
			int i = start + 1;
			while (i < this.text.length()) {
				char c = this.text.charAt(i);
				if (c == '\\' && quote == '\'' && i + 1 < this.text.length()) {
					value.append(this.text.charAt(i + 1));
					i += 2;
				}
				else if (c == quote) {
					if (i + 1 < this.text.length() && this.text.charAt(i + 1) == quote) {
						value.append(quote);
						i += 2;
					}
					else {
						this.tokens.add(value.toString());
						return i + 1;
					}
				}
				else {
					value.append(c);
					i++;
				}
			}
			throw invalid("a " + ((quote == '`') ? "quoted name" : "string") + " is not closed");
		}

		private boolean peek(String token) {
			return this.next < this.tokens.size() && this.tokens.get(this.next).equals(token);
		}

		private boolean accept(String token) {
			if (peek(token)) {
				this.next++;
				return true;
			}
			return false;
		}

		private boolean acceptKeyword(String keyword) {
			if (this.next < this.tokens.size() && this.tokens.get(this.next).equalsIgnoreCase(keyword)) {
				this.next++;
				return true;
			}
			return false;
		}

		private void expect(String token) {
			if (!accept(token)) {
				throw invalid("expected '" + token + "'" + found());
			}
		}

		private void expectKeyword(String keyword) {
			if (!acceptKeyword(keyword)) {
				throw invalid("expected '" + keyword + "'" + found());
			}
		}

		private String take(String what) {
			if (this.next >= this.tokens.size()) {
				throw invalid("expected " + what + " at the end");
			}
			return this.tokens.get(this.next++);
		}

		private String found() {
			return (this.next < this.tokens.size()) ? " but found '" + this.tokens.get(this.next) + "'" : " at the end";
		}

		private IllegalArgumentException invalid(String problem) {
			return new IllegalArgumentException("where '" + this.text + "' is not supported: " + problem);
		}

	}

}
