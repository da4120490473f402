package dev.vstream.mapping;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;

import org.springframework.util.ReflectionUtils;

/**
 * Makes the constructors and setters called for every row accessible, public ones too:
 * reflection then skips its access check on each call.
 */
final class Accessible {

	private Accessible() {
	}

	/**
	 * Make a constructor accessible.
	 * @param constructor the constructor
	 */
	static void open(Constructor<?> constructor) {
		if (!trySetAccessible(constructor)) {
			ReflectionUtils.makeAccessible(constructor);
		}
	}

	/**
	 * Make a method accessible.
	 * @param method the method
	 */
	static void open(Method method) {
		if (!trySetAccessible(method)) {
			ReflectionUtils.makeAccessible(method);
		}
	}

	private static boolean trySetAccessible(AccessibleObject member) {
		// A module that does not open its package refuses: then only what
		// ReflectionUtils can reach (public members) is called, with the check.
		try {
			return member.trySetAccessible();
		}
		catch (SecurityException ex) {
			return false;
		}
	}

}
