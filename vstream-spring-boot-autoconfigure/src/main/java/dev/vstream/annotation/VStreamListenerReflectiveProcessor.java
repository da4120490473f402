package dev.vstream.annotation;

import java.lang.reflect.Method;
import java.util.Map;

import dev.vstream.listener.ListenerMethodAdapter;
import dev.vstream.mapping.Column;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.annotation.SimpleReflectiveProcessor;

/**
 * Ahead-of-time hints for a {@link VStreamListener} method: the method is invoked
 * reflectively, and its row type ({@code T}, or the {@code T} of {@code RowChange<T>} and
 * {@code List<RowChange<T>>}) is built reflectively from a row: its constructors,
 * accessors, fields and record components (where {@link Column @Column} names are read)
 * are registered.
 */
class VStreamListenerReflectiveProcessor extends SimpleReflectiveProcessor {

	private final BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();

	@Override
	protected void registerMethodHint(ReflectionHints hints, Method method) {
		super.registerMethodHint(hints, method);
		for (Class<?> rowType : ListenerMethodAdapter.rowTypesOf(method)) {
			if (Map.class.isAssignableFrom(rowType)) {
				continue;
			}
			this.bindings.registerReflectionHints(hints, rowType);
			hints.registerType(rowType, MemberCategory.INVOKE_DECLARED_CONSTRUCTORS,
					MemberCategory.ACCESS_DECLARED_FIELDS, MemberCategory.INVOKE_DECLARED_METHODS);
		}
		hints.registerType(Column.class, MemberCategory.INVOKE_DECLARED_METHODS);
	}

}
