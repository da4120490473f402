package dev.vstream.offset;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Ahead-of-time hints for the starter's per-platform schema scripts
 * ({@link SchemaScript}), read from the class path at start-up: the offset and run-marker
 * tables' and the scale-out lock table's.
 */
public class SchemaScriptRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources().registerPattern("dev/vstream/offset/schema-*.sql");
		hints.resources().registerPattern("dev/vstream/scaling/schema-lock-*.sql");
	}

}
