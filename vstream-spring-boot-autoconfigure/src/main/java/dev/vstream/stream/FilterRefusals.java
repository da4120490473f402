package dev.vstream.stream;

import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.position.LogSafeText;
import org.jspecify.annotations.Nullable;

/**
 * Tells vtgate's refusal of a filter rule apart from other failures and names the
 * listeners whose {@code where} or {@code columns} it concerns. vtgate's tablets check a
 * rule when they copy its table or when a row of it comes, and end the stream with the
 * words of Vitess's {@code vstreamer/planbuilder.go}; a reconnect would only be refused
 * again.
 */
final class FilterRefusals {

	/** planbuilder.go's words for a rule it cannot plan. */
	private static final List<String> REFUSALS = List.of("not found in table", "unsupported constraint",
			"comparison operator", "unsupported qualifier", "unsupported function", "unsupported: select",
			"only integer literals", "only the integer literal", "cannot use column names in vstream filter",
			"in_keyrange", "vindex must be Unique");

	private static final Pattern TABLE = Pattern.compile("not found in table `?([^`\\s]+)");

	private FilterRefusals() {
	}

	/**
	 * The reason a stream fails for good when vtgate refused a listener's filter.
	 * @param description vtgate's description of the failure
	 * @param listeners the stream's listeners
	 * @return the message naming the listeners, {@code null} when the failure is not a
	 * refused filter of theirs
	 */
	static @Nullable String message(String description, Collection<VStreamListenerEndpoint> listeners) {
		if (REFUSALS.stream().noneMatch(description::contains)) {
			return null;
		}
		Matcher table = TABLE.matcher(description);
		String refusedTable = table.find() ? table.group(1) : null;
		List<VStreamListenerEndpoint> filtered = listeners.stream()
			.filter((l) -> l.getWhere() != null || !l.getColumns().isEmpty())
			.filter((l) -> refusedTable == null || l.getTable().equalsIgnoreCase(refusedTable))
			.toList();
		if (filtered.isEmpty()) {
			return null;
		}
		return "vtgate refused the filter of listener "
				+ String.join(", ", filtered.stream().map(FilterRefusals::describe).toList()) + ": "
				+ LogSafeText.of(description, 2000);
	}

	private static String describe(VStreamListenerEndpoint listener) {
		return "'" + listener.getId() + "' (table " + listener.getTable()
				+ ((listener.getWhere() != null) ? ", where " + listener.getWhere() : "")
				+ (listener.getColumns().isEmpty() ? "" : ", columns " + listener.getColumns()) + ")";
	}

}
