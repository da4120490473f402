package dev.vstream.listener;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link MethodInvoker}.
 */
class MethodInvokerTests {

	private final Listener listener = new Listener();

	@Test
	void privateMethodOfOneParameterIsCalledWithoutReflection() throws Throwable {
		MethodInvoker invoker = MethodInvoker.of(method("one", Object.class));
		assertThat(invoker.getClass().getSimpleName()).isNotEqualTo("Reflective");
		invoker.invoke(this.listener, new Object[] { "a" });
		assertThat(this.listener.calls).containsExactly("one:a");
	}

	@Test
	void methodOfTwoParametersReturningAValueIsCalledWithoutReflection() throws Throwable {
		MethodInvoker invoker = MethodInvoker.of(method("two", String.class, Integer.class));
		assertThat(invoker.getClass().getSimpleName()).isNotEqualTo("Reflective");
		invoker.invoke(this.listener, new Object[] { "b", 2 });
		assertThat(this.listener.calls).containsExactly("two:b2");
	}

	@Test
	void methodOfThreeParametersIsCalledThroughReflection() throws Throwable {
		MethodInvoker invoker = MethodInvoker.of(method("three", String.class, String.class, String.class));
		assertThat(invoker.getClass().getSimpleName()).isEqualTo("Reflective");
		invoker.invoke(this.listener, new Object[] { "x", "y", "z" });
		assertThat(this.listener.calls).containsExactly("three:xyz");
	}

	@Test
	void whatTheMethodThrowsArrivesUnwrappedEitherWay() {
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(
					() -> MethodInvoker.of(method("failing", Object.class)).invoke(this.listener, new Object[] { "c" }))
			.withMessage("c");
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> MethodInvoker.of(method("failingThree", Object.class, Object.class, Object.class))
				.invoke(this.listener, new Object[] { "d", null, null }))
			.withMessage("d");
	}

	@Test
	void argumentOfTheWrongTypeFailsTheCall() {
		assertThatExceptionOfType(ClassCastException.class)
			.isThrownBy(() -> MethodInvoker.of(method("two", String.class, Integer.class))
				.invoke(this.listener, new Object[] { "b", "not a number" }));
		assertThat(this.listener.calls).isEmpty();
	}

	private static Method method(String name, Class<?>... parameterTypes) {
		try {
			return Listener.class.getDeclaredMethod(name, parameterTypes);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static final class Listener {

		final List<String> calls = new ArrayList<>();

		private void one(Object value) {
			this.calls.add("one:" + value);
		}

		int two(String text, Integer number) {
			this.calls.add("two:" + text + number);
			return number;
		}

		void three(String a, String b, String c) {
			this.calls.add("three:" + a + b + c);
		}

		void failing(Object value) throws IOException {
			throw new IOException(String.valueOf(value));
		}

		void failingThree(Object value, Object b, Object c) throws IOException {
			throw new IOException(String.valueOf(value));
		}

	}

}
