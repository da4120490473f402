package dev.vstream.mapping;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RowBytes}.
 */
class RowBytesTests {

	private static final byte[] ROW = "12abc2026-11-24".getBytes(StandardCharsets.US_ASCII);

	@Test
	void bytesOfOneArrayAreReadWhereTheyAre() {
		RowBytes bytes = RowBytes.of(UnsafeByteOperations.unsafeWrap(ROW));
		assertThat(bytes.array()).isSameAs(ROW);
		assertThat(bytes.offset()).isZero();
	}

	@Test
	void partOfAnArrayKeepsItsOffset() {
		RowBytes bytes = RowBytes.of(UnsafeByteOperations.unsafeWrap(ROW).substring(2, 5));
		assertThat(bytes.array()).isSameAs(ROW);
		assertThat(bytes.offset()).isEqualTo(2);
	}

	@Test
	void bytesOfSeveralPiecesAreCopied() {
		// Pieces this long are kept apart (short ones are concatenated by copy).
		byte[] row = new byte[600];
		Arrays.fill(row, 300, 600, (byte) '7');
		ByteString rope = ByteString.copyFrom(row, 0, 300).concat(ByteString.copyFrom(row, 300, 300));
		RowBytes bytes = RowBytes.of(rope);
		assertThat(bytes.array()).isNotSameAs(row);
		assertThat(Arrays.copyOfRange(bytes.array(), bytes.offset(), bytes.offset() + rope.size())).isEqualTo(row);
	}

	@Test
	void noBytesAreAnEmptyArray() {
		RowBytes bytes = RowBytes.of(ByteString.EMPTY);
		assertThat(bytes.array()).isEmpty();
		assertThat(bytes.offset()).isZero();
	}

}
