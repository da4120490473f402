package dev.vstream.listener.elsewhere;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A listener bean outside the invoker's package, as users' beans are: its methods are
 * package-private or private, its class public only so that the tests can name it.
 */
public final class ElsewhereListener {

	/** What was called, with what. */
	public final List<String> calls = new ArrayList<>();

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

	void primitive(int number) {
		this.calls.add("primitive:" + number);
	}

	void failing(Object value) throws IOException {
		throw new IOException(String.valueOf(value));
	}

	void failingThree(Object value, Object b, Object c) throws IOException {
		throw new IOException(String.valueOf(value));
	}

}
