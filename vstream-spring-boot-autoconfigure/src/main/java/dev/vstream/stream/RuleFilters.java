package dev.vstream.stream;

import java.util.List;

import dev.vstream.listener.VStreamListenerEndpoint;

/**
 * The filter SQL of the rule of one table: what vtgate's tablets send of it.
 */
final class RuleFilters {

	private RuleFilters() {
	}

	/**
	 * The filter of a table that serves all its listeners.
	 * @param table the table
	 * @param listeners its listeners (at least one)
	 * @return the {@code select} of the rule
	 */
	static String filter(String table, List<VStreamListenerEndpoint> listeners) {
		return "select * from " + quote(table);
	}

	static String quote(String identifier) {
		return "`" + identifier.replace("`", "``") + "`";
	}

}
