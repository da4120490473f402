package dev.vstream.stream;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.vstream.listener.ConditionTerm;
import dev.vstream.listener.RowCondition;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.mapping.MappedColumns;
import org.jspecify.annotations.Nullable;

/**
 * The filter SQL of the rule of one table, which serves all its listeners: what vtgate's
 * tablets send of it.
 *
 * <p>
 * The {@code where} is the terms every listener's condition shares (none when one
 * listener has none): vtgate joins terms with {@code and} only, so it cannot send the
 * rows of either of two conditions. A listener whose condition has more terms is checked
 * client-side, on the rows that come. The columns are the union of what the listeners ask
 * for (their {@code columns}, else those their record or bean maps, when the table's
 * columns are known) and what client-side checks read; {@code *} as soon as one listener
 * takes {@code Map} rows, or when that is every column.
 */
final class RuleFilters {

	private RuleFilters() {
	}

	/**
	 * The rule of a table that serves all its listeners, without automatic projection.
	 * @param table the table
	 * @param listeners its listeners (at least one)
	 * @return the {@code select} of the rule
	 */
	static String filter(String table, List<VStreamListenerEndpoint> listeners) {
		return rule(table, listeners, null).sql();
	}

	/**
	 * The rule of a table that serves all its listeners.
	 * @param table the table
	 * @param listeners its listeners (at least one)
	 * @param tableColumns the table's columns in table order, for the columns of record
	 * and bean row types; {@code null} when unknown, which sends every column to them
	 * @return the rule
	 */
	static TableRule rule(String table, List<VStreamListenerEndpoint> listeners, @Nullable List<String> tableColumns) {
		List<ConditionTerm> shared = sharedTerms(listeners);
		Map<VStreamListenerEndpoint, RowCondition> checks = new LinkedHashMap<>();
		for (VStreamListenerEndpoint listener : listeners) {
			RowCondition where = listener.getWhere();
			if (where != null && !new HashSet<>(where.terms()).equals(new HashSet<>(shared))) {
				checks.put(listener, where);
			}
		}
		List<String> columns = columns(listeners, checks.values(), tableColumns);
		StringBuilder sql = new StringBuilder("select ");
		sql.append((columns == null) ? "*" : String.join(", ", columns.stream().map(RuleFilters::quote).toList()));
		sql.append(" from ").append(quote(table));
		if (!shared.isEmpty()) {
			sql.append(" where ").append(RowCondition.of(shared).sql());
		}
		return new TableRule(sql.toString(), checks, columns != null);
	}

	/**
	 * Check that the listeners of a table can share one rule: an {@code in_keyrange} term
	 * cannot be checked client-side, so every listener of the table must have it.
	 * @param listeners the listeners of one table
	 * @throws IllegalStateException naming the listener
	 */
	static void checkShareable(List<VStreamListenerEndpoint> listeners) {
		List<ConditionTerm> shared = sharedTerms(listeners);
		for (VStreamListenerEndpoint listener : listeners) {
			RowCondition where = listener.getWhere();
			if (where == null) {
				continue;
			}
			for (ConditionTerm term : where.terms()) {
				if (term.kind() == ConditionTerm.Kind.IN_KEYRANGE && !shared.contains(term)) {
					throw new IllegalStateException("Listener '" + listener.getId() + "' has " + term.sql()
							+ " in its where, which only vtgate can apply, but other listeners of table '"
							+ listener.getTable() + "' do not: give every listener of the table the same "
							+ "in_keyrange term");
				}
			}
		}
	}

	/** The terms of the first condition that every listener's condition has. */
	private static List<ConditionTerm> sharedTerms(List<VStreamListenerEndpoint> listeners) {
		List<ConditionTerm> shared = null;
		for (VStreamListenerEndpoint listener : listeners) {
			RowCondition where = listener.getWhere();
			if (where == null) {
				return List.of();
			}
			if (shared == null) {
				shared = new ArrayList<>(where.terms());
			}
			else {
				shared.retainAll(where.terms());
			}
		}
		return (shared != null) ? shared : List.of();
	}

	/** The columns to ask for; {@code null} for every column. */
	private static @Nullable List<String> columns(List<VStreamListenerEndpoint> listeners,
			Collection<RowCondition> checks, @Nullable List<String> tableColumns) {
		List<String> wanted = new ArrayList<>();
		for (VStreamListenerEndpoint listener : listeners) {
			List<String> columns = listener.getColumns();
			if (columns.isEmpty()) {
				columns = (tableColumns != null)
						? MappedColumns.of(listener.getAdapter().getPayloadType(), tableColumns) : null;
			}
			if (columns == null) {
				return null;
			}
			wanted.addAll(columns);
		}
		for (RowCondition check : checks) {
			wanted.addAll(check.columns());
		}
		List<String> distinct = distinct(wanted);
		if (tableColumns != null) {
			Set<String> known = lower(distinct);
			List<String> ordered = new ArrayList<>(
					tableColumns.stream().filter((c) -> known.contains(c.toLowerCase(Locale.ROOT))).toList());
			Set<String> inTable = lower(tableColumns);
			// Asked for but not in the table: vtgate says so, at start-up.
			distinct.stream().filter((c) -> !inTable.contains(c.toLowerCase(Locale.ROOT))).forEach(ordered::add);
			if (ordered.size() == tableColumns.size() && lower(ordered).equals(inTable)) {
				return null;
			}
			distinct = ordered;
		}
		return distinct.isEmpty() ? null : distinct;
	}

	private static List<String> distinct(List<String> names) {
		Set<String> seen = new HashSet<>();
		return names.stream().filter((n) -> seen.add(n.toLowerCase(Locale.ROOT))).toList();
	}

	private static Set<String> lower(Collection<String> names) {
		Set<String> lower = new HashSet<>();
		names.forEach((n) -> lower.add(n.toLowerCase(Locale.ROOT)));
		return lower;
	}

	static String quote(String identifier) {
		return "`" + identifier.replace("`", "``") + "`";
	}

	/**
	 * The rule of one table.
	 *
	 * @param sql the {@code select} of the rule
	 * @param checks the listeners whose condition vtgate does not apply in full, with
	 * their condition, checked client-side
	 * @param projected whether vtgate sends only some columns
	 */
	record TableRule(String sql, Map<VStreamListenerEndpoint, RowCondition> checks, boolean projected) {

		TableRule {
			checks = Map.copyOf(checks);
		}

	}

}
