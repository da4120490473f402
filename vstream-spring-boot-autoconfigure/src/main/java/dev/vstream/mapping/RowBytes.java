package dev.vstream.mapping;

import java.io.IOException;
import java.nio.ByteBuffer;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;

/**
 * The bytes of a row's values where they already are: a parsed {@link ByteString} keeps
 * them in one array, which protobuf's {@link UnsafeByteOperations#unsafeWriteTo} hands
 * out instead of a copy. The decoders only read them (they copy out what they keep), so a
 * row costs neither a copy nor a buffer of its own; a {@code ByteString} of several
 * pieces is copied.
 */
final class RowBytes extends ByteOutput {

	private static final byte[] EMPTY = {};

	private byte[] array = EMPTY;

	private int offset;

	/** Arrays handed out as they are. */
	private int arrays;

	/** Whether anything else was written (bytes to copy, a buffer). */
	private boolean other;

	private RowBytes() {
	}

	/**
	 * Where the bytes of a {@code ByteString} are.
	 * @param data the bytes
	 * @return their array and offset
	 */
	static RowBytes of(ByteString data) {
		RowBytes bytes = new RowBytes();
		try {
			UnsafeByteOperations.unsafeWriteTo(data, bytes);
		}
		catch (IOException ex) {
			// not thrown: nothing here does I/O
			bytes.other = true;
		}
		if (bytes.arrays != 1 || bytes.other) {
			bytes.array = data.toByteArray();
			bytes.offset = 0;
		}
		return bytes;
	}

	/**
	 * @return the array holding the bytes, read-only
	 */
	byte[] array() {
		return this.array;
	}

	/**
	 * @return where in {@link #array()} the bytes start
	 */
	int offset() {
		return this.offset;
	}

	@Override
	public void writeLazy(byte[] value, int offset, int length) {
		this.arrays++;
		this.array = value;
		this.offset = offset;
	}

	// Anything but one array handed out as it is: copied by of().

	@Override
	public void write(byte value) {
		this.other = true;
	}

	@Override
	public void write(byte[] value, int offset, int length) {
		this.other = true;
	}

	@Override
	public void write(ByteBuffer value) {
		this.other = true;
	}

	@Override
	public void writeLazy(ByteBuffer value) {
		this.other = true;
	}

}
