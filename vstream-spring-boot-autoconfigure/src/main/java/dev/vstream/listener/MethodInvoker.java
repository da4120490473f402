package dev.vstream.listener;

import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import org.jspecify.annotations.Nullable;

import org.springframework.core.NativeDetector;
import org.springframework.util.ReflectionUtils;

/**
 * Calls a listener method, once per row. Reflection costs a check of the receiver and of
 * every argument per call plus a call the JIT cannot see through; for methods of one or
 * two parameters a class made by {@link LambdaMetafactory} calls the method directly
 * instead, as a lambda would. Reflection stays where no such class can be made: more
 * parameters, static methods, a native image, a method its class loader does not let this
 * one reach.
 */
abstract class MethodInvoker {

	/**
	 * Call the method.
	 * @param bean the bean
	 * @param args the arguments, as many as the method has parameters
	 * @throws Throwable whatever the method threw, unwrapped
	 */
	abstract void invoke(Object bean, @Nullable Object[] args) throws Throwable;

	/**
	 * The fastest invoker that can call the method.
	 * @param method the listener method
	 * @return its invoker
	 */
	static MethodInvoker of(Method method) {
		ReflectionUtils.makeAccessible(method);
		MethodInvoker direct = direct(method);
		return (direct != null) ? direct : new Reflective(method);
	}

	private static @Nullable MethodInvoker direct(Method method) {
		int parameters = method.getParameterCount();
		if (NativeDetector.inNativeImage() || Modifier.isStatic(method.getModifiers()) || parameters < 1
				|| parameters > 2) {
			return null;
		}
		try {
			MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(method.getDeclaringClass(),
					MethodHandles.lookup());
			MethodHandle target = lookup.unreflect(method);
			MethodType erased = MethodType.genericMethodType(parameters + 1).changeReturnType(void.class);
			if (parameters == 1) {
				OneArgument call = (OneArgument) implementation(lookup, target, OneArgument.class, erased);
				return new MethodInvoker() {

					@Override
					void invoke(Object bean, @Nullable Object[] args) {
						call.invoke(bean, args[0]);
					}

				};
			}
			TwoArguments call = (TwoArguments) implementation(lookup, target, TwoArguments.class, erased);
			return new MethodInvoker() {

				@Override
				void invoke(Object bean, @Nullable Object[] args) {
					call.invoke(bean, args[0], args[1]);
				}

			};
		}
		catch (Throwable ex) {
			// Not reachable this way (another module, a class loader that hides it):
			// reflection still works.
			return null;
		}
	}

	private static Object implementation(MethodHandles.Lookup lookup, MethodHandle target, Class<?> type,
			MethodType erased) throws Throwable {
		CallSite site = LambdaMetafactory.metafactory(lookup, "invoke", MethodType.methodType(type), erased, target,
				target.type().changeReturnType(void.class));
		return site.getTarget().invoke();
	}

	/** Implemented by the class {@link LambdaMetafactory} makes for one parameter. */
	@FunctionalInterface
	interface OneArgument {

		void invoke(Object bean, @Nullable Object argument);

	}

	/** Implemented by the class {@link LambdaMetafactory} makes for two parameters. */
	@FunctionalInterface
	interface TwoArguments {

		void invoke(Object bean, @Nullable Object first, @Nullable Object second);

	}

	private static final class Reflective extends MethodInvoker {

		private final Method method;

		Reflective(Method method) {
			this.method = method;
		}

		@Override
		void invoke(Object bean, @Nullable Object[] args) throws Throwable {
			try {
				this.method.invoke(bean, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getTargetException();
			}
			catch (IllegalAccessException ex) {
				// made accessible: a fault of this code, not of the listener
				throw new IllegalStateException(ex);
			}
		}

	}

}
