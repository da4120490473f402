package dev.vstream.position;

import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.Set;

import binlogdata.Binlogdata.VGtid;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.util.ReflectionUtils;

/**
 * Ahead-of-time hints for saving and loading positions: protobuf's {@code JsonFormat}
 * reaches the generated Vitess classes of a position ({@code VGtid} and every message and
 * enum it holds, down to the copy phase's last primary keys) through reflection on their
 * accessors and builders. The classes are found from {@code VGtid}'s descriptor, so a
 * newer protocol is covered without a list to keep.
 */
public class StreamPositionRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		registerMessage(hints.reflection(), VGtid.class, new HashSet<>());
	}

	private static void registerMessage(ReflectionHints hints, Class<?> type, Set<Class<?>> seen) {
		if (!seen.add(type)) {
			return;
		}
		Message.Builder builder = (Message.Builder) ReflectionUtils
			.invokeMethod(ReflectionUtils.findMethod(type, "newBuilder"), null);
		register(hints, type);
		register(hints, builder.getClass());
		for (FieldDescriptor field : builder.getDescriptorForType().getFields()) {
			if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
				registerMessage(hints, builder.newBuilderForField(field).getDefaultInstanceForType().getClass(), seen);
			}
			else if (field.getJavaType() == FieldDescriptor.JavaType.ENUM) {
				Method getter = ReflectionUtils.findMethod(type, "get" + camelCase(field.getName()));
				if (getter != null && seen.add(getter.getReturnType())) {
					register(hints, getter.getReturnType());
				}
			}
		}
	}

	private static void register(ReflectionHints hints, Class<?> type) {
		hints.registerType(type, MemberCategory.INVOKE_PUBLIC_METHODS, MemberCategory.INVOKE_DECLARED_METHODS,
				MemberCategory.ACCESS_DECLARED_FIELDS);
	}

	/** Protobuf's Java name of a field: {@code table_p_ks} → {@code TablePKs}. */
	private static String camelCase(String fieldName) {
		StringBuilder name = new StringBuilder();
		boolean upper = true;
		for (char c : fieldName.toCharArray()) {
			if (c == '_') {
				upper = true;
			}
			else {
				name.append(upper ? Character.toUpperCase(c) : c);
				upper = Character.isDigit(c);
			}
		}
		return name.toString();
	}

}
