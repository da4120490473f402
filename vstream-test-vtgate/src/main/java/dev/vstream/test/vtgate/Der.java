package dev.vstream.test.vtgate;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * The few DER (ASN.1) encodings an X.509 certificate of {@link TestCertificates} is made
 * of. Each method returns one complete element: tag, length, contents.
 */
final class Der {

	private Der() {
	}

	static byte[] sequence(byte[]... elements) {
		return element(0x30, concat(elements));
	}

	static byte[] set(byte[]... elements) {
		return element(0x31, concat(elements));
	}

	static byte[] integer(BigInteger value) {
		return element(0x02, value.toByteArray());
	}

	static byte[] booleanTrue() {
		return new byte[] { 0x01, 0x01, (byte) 0xFF };
	}

	static byte[] octetString(byte[] value) {
		return element(0x04, value);
	}

	/** A BIT STRING of whole bytes. */
	static byte[] bitString(byte[] value) {
		return element(0x03, concat(new byte[] { 0 }, value));
	}

	static byte[] utf8String(String value) {
		return element(0x0C, value.getBytes(StandardCharsets.UTF_8));
	}

	/** A UTCTime, {@code yyMMddHHmmssZ}. */
	static byte[] utcTime(String value) {
		return element(0x17, value.getBytes(StandardCharsets.US_ASCII));
	}

	static byte[] oid(String dotted) {
		String[] arcs = dotted.split("\\.");
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
		for (int i = 2; i < arcs.length; i++) {
			long arc = Long.parseLong(arcs[i]);
			int groups = 1;
			while ((arc >> (7 * groups)) != 0) {
				groups++;
			}
			for (int group = groups - 1; group >= 0; group--) {
				int bits = (int) ((arc >> (7 * group)) & 0x7F);
				out.write((group > 0) ? (bits | 0x80) : bits);
			}
		}
		return element(0x06, out.toByteArray());
	}

	/** An explicitly tagged element: {@code [number] EXPLICIT}. */
	static byte[] explicit(int number, byte[] element) {
		return element(0xA0 | number, element);
	}

	/** A primitive context-specific element: {@code [number] IMPLICIT}. */
	static byte[] implicit(int number, byte[] contents) {
		return element(0x80 | number, contents);
	}

	static byte[] element(int tag, byte[] contents) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(tag);
		int length = contents.length;
		if (length < 0x80) {
			out.write(length);
		}
		else {
			byte[] bytes = BigInteger.valueOf(length).toByteArray();
			int skip = (bytes[0] == 0) ? 1 : 0;
			out.write(0x80 | (bytes.length - skip));
			out.write(bytes, skip, bytes.length - skip);
		}
		out.writeBytes(contents);
		return out.toByteArray();
	}

	static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

}
