package dev.vstream.listener;

import java.io.IOException;
import java.lang.reflect.Method;

import dev.vstream.listener.elsewhere.ElsewhereListener;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link MethodInvoker}, on a bean of another package (as users' beans are).
 */
class MethodInvokerTests {

	private final ElsewhereListener listener = new ElsewhereListener();

	@Test
	void privateMethodOfOneParameterIsCalledWithoutReflection() throws Throwable {
		MethodInvoker invoker = invoker("one", Object.class);
		assertThat(invoker.getClass().getSimpleName()).isNotEqualTo("Reflective");
		invoker.invoke(new Object[] { "a" });
		assertThat(this.listener.calls).containsExactly("one:a");
	}

	@Test
	void methodOfTwoParametersReturningAValueIsCalledWithoutReflection() throws Throwable {
		MethodInvoker invoker = invoker("two", String.class, Integer.class);
		assertThat(invoker.getClass().getSimpleName()).isNotEqualTo("Reflective");
		invoker.invoke(new Object[] { "b", 2 });
		assertThat(this.listener.calls).containsExactly("two:b2");
	}

	@Test
	void methodOfThreeParametersIsCalledThroughReflection() throws Throwable {
		MethodInvoker invoker = invoker("three", String.class, String.class, String.class);
		assertThat(invoker.getClass().getSimpleName()).isEqualTo("Reflective");
		invoker.invoke(new Object[] { "x", "y", "z" });
		assertThat(this.listener.calls).containsExactly("three:xyz");
	}

	@Test
	void methodOfAPrimitiveParameterIsCalledThroughReflection() throws Throwable {
		MethodInvoker invoker = invoker("primitive", int.class);
		assertThat(invoker.getClass().getSimpleName()).isEqualTo("Reflective");
		invoker.invoke(new Object[] { 7 });
		assertThat(this.listener.calls).containsExactly("primitive:7");
	}

	@Test
	void whatTheMethodThrowsArrivesUnwrappedEitherWay() {
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> invoker("failing", Object.class).invoke(new Object[] { "c" }))
			.withMessage("c");
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> invoker("failingThree", Object.class, Object.class, Object.class)
				.invoke(new Object[] { "d", null, null }))
			.withMessage("d");
	}

	@Test
	void argumentOfTheWrongTypeFailsTheCall() {
		assertThatExceptionOfType(ClassCastException.class)
			.isThrownBy(() -> invoker("two", String.class, Integer.class).invoke(new Object[] { "b", "not a number" }));
		assertThat(this.listener.calls).isEmpty();
	}

	private MethodInvoker invoker(String name, Class<?>... parameterTypes) {
		try {
			Method method = ElsewhereListener.class.getDeclaredMethod(name, parameterTypes);
			return MethodInvoker.of(this.listener, method);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
