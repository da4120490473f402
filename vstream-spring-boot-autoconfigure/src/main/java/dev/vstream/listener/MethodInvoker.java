package dev.vstream.listener;

import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.core.NativeDetector;
import org.springframework.util.ReflectionUtils;

/**
 * Calls a listener method on its bean, once per row. Reflection costs a check of the
 * receiver and of every argument per call plus a call the JIT cannot see through; for
 * methods of one or two parameters a class made by {@link LambdaMetafactory} calls the
 * method directly instead, as a lambda would. That class is made in the bean class's
 * package (so that it reaches package-private and private methods) and implements
 * {@link Consumer} or {@link BiConsumer} with the bean captured: public JDK interfaces,
 * which any package may implement. Reflection stays where no such class can be made: more
 * parameters, primitive parameters, static methods, a native image, a method its class
 * loader does not let this one reach.
 */
abstract class MethodInvoker {

	/**
	 * Call the method.
	 * @param args the arguments, as many as the method has parameters
	 * @throws Throwable whatever the method threw, unwrapped
	 */
	abstract void invoke(@Nullable Object[] args) throws Throwable;

	/**
	 * The fastest invoker that can call the method on the bean.
	 * @param bean the bean
	 * @param method the listener method
	 * @return its invoker
	 */
	static MethodInvoker of(Object bean, Method method) {
		ReflectionUtils.makeAccessible(method);
		MethodInvoker direct = direct(bean, method);
		return (direct != null) ? direct : new Reflective(bean, method);
	}

	@SuppressWarnings("unchecked")
	private static @Nullable MethodInvoker direct(Object bean, Method method) {
		int parameters = method.getParameterCount();
		if (NativeDetector.inNativeImage() || Modifier.isStatic(method.getModifiers()) || parameters < 1
				|| parameters > 2) {
			return null;
		}
		try {
			MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(method.getDeclaringClass(),
					MethodHandles.lookup());
			MethodHandle target = lookup.unreflect(method);
			if (parameters == 1) {
				Consumer<Object> call = (Consumer<Object>) implementation(lookup, target, bean, Consumer.class,
						"accept");
				return new MethodInvoker() {

					@Override
					void invoke(@Nullable Object[] args) {
						call.accept(args[0]);
					}

				};
			}
			BiConsumer<Object, Object> call = (BiConsumer<Object, Object>) implementation(lookup, target, bean,
					BiConsumer.class, "accept");
			return new MethodInvoker() {

				@Override
				void invoke(@Nullable Object[] args) {
					call.accept(args[0], args[1]);
				}

			};
		}
		catch (Throwable ex) {
			// Not reachable this way (another module, a class loader that hides it, a
			// primitive parameter): reflection still works.
			return null;
		}
	}

	/**
	 * An instance of {@code type} whose {@code name} method calls the target on the bean,
	 * its arguments cast to the target's parameter types (a wrong one fails the call with
	 * a {@link ClassCastException}) and its return value dropped.
	 */
	private static Object implementation(MethodHandles.Lookup lookup, MethodHandle target, Object bean, Class<?> type,
			String name) throws Throwable {
		MethodType called = target.type().dropParameterTypes(0, 1).changeReturnType(void.class);
		MethodType erased = MethodType.genericMethodType(called.parameterCount()).changeReturnType(void.class);
		CallSite site = LambdaMetafactory.metafactory(lookup, name,
				MethodType.methodType(type, target.type().parameterType(0)), erased, target, called);
		return site.getTarget().invoke(bean);
	}

	private static final class Reflective extends MethodInvoker {

		private final Object bean;

		private final Method method;

		Reflective(Object bean, Method method) {
			this.bean = bean;
			this.method = method;
		}

		@Override
		void invoke(@Nullable Object[] args) throws Throwable {
			try {
				this.method.invoke(this.bean, args);
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
