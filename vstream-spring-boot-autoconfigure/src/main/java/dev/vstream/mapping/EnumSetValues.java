package dev.vstream.mapping;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.vstream.mapping.ValueDecoders.ValueDecoder;
import io.vitess.proto.Query;
import org.jspecify.annotations.Nullable;

/**
 * Decoders of ENUM and SET columns, which arrive either as their names or, in older
 * streams, as the ENUM index or the SET bit mask.
 */
final class EnumSetValues {

	private EnumSetValues() {
	}

	/**
	 * ENUM and SET values are strings, except in streams that do not set
	 * {@code enum_set_string_values} (vtgate before v20 and direct vttablet streams):
	 * there the binlog phase sends the 1-based ENUM index or the SET bit mask, which are
	 * mapped back to names through the column type {@code enum('a','b')} /
	 * {@code set('a','b')}.
	 */
	static ValueDecoder decoder(Query.Field field, boolean set, boolean enumSetStringValues) {
		List<String> members = enumSetStringValues ? null : members(field.getColumnType());
		if (members == null) {
			return ValueDecoders::utf8;
		}
		String[] names = members.toArray(new String[0]);
		Set<String> known = new HashSet<>(members);
		return (bytes, offset, length) -> {
			String text = ValueDecoders.utf8(bytes, offset, length);
			if (length == 0 || known.contains(text) || !isDigits(bytes, offset, length)) {
				return text;
			}
			long number = Long.parseUnsignedLong(text);
			return set ? setNames(names, number) : enumName(names, number);
		};
	}

	private static String enumName(String[] names, long index) {
		if (index == 0) {
			// MySQL's error value for an invalid ENUM
			return "";
		}
		if (index < 0 || index > names.length) {
			throw new IllegalArgumentException("ENUM index out of range 1.." + names.length);
		}
		return names[(int) index - 1];
	}

	private static String setNames(String[] names, long mask) {
		if (names.length < 64 && (mask >>> names.length) != 0) {
			throw new IllegalArgumentException("SET bit mask has bits beyond its " + names.length + " members");
		}
		StringBuilder result = new StringBuilder();
		for (int i = 0; i < names.length; i++) {
			if ((mask & (1L << i)) != 0) {
				if (result.length() > 0) {
					result.append(',');
				}
				result.append(names[i]);
			}
		}
		return result.toString();
	}

	private static boolean isDigits(byte[] bytes, int offset, int length) {
		for (int i = offset; i < offset + length; i++) {
			if (bytes[i] < '0' || bytes[i] > '9') {
				return false;
			}
		}
		return true;
	}

	/**
	 * The members of {@code enum('a','it''s')}, or {@code null} when it is not such a
	 * type.
	 */
	static @Nullable List<String> members(String columnType) {
		String lower = columnType.toLowerCase(Locale.ROOT);
		int open = columnType.indexOf('(');
		if (!(lower.startsWith("enum(") || lower.startsWith("set(")) || !columnType.endsWith(")")) {
			return null;
		}
		List<String> members = new ArrayList<>();
		int end = columnType.length() - 1;
		int i = open + 1;
		while (i < end) {
			if (columnType.charAt(i) != '\'') {
				return null;
			}
			StringBuilder member = new StringBuilder();
			i++;
			while (true) {
				if (i >= end) {
					return null;
				}
				char c = columnType.charAt(i);
				if (c == '\'' && i + 1 < end && columnType.charAt(i + 1) == '\'') {
					member.append('\'');
					i += 2;
				}
				else if (c == '\'') {
					i++;
					break;
				}
				else {
					member.append(c);
					i++;
				}
			}
			members.add(member.toString());
			if (i < end && columnType.charAt(i) == ',') {
				i++;
			}
		}
		return members;
	}

}
