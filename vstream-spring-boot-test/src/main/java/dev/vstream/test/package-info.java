/**
 * Testing {@code @VStreamListener} methods without Vitess.
 * {@link dev.vstream.test.AutoConfigureTestVtgate @AutoConfigureTestVtgate} runs a test
 * context's stream against a {@link dev.vstream.test.TestVtgate}, an in-process vtgate
 * the test scripts in plain Java: {@link dev.vstream.test.TestTable tables} and their
 * rows (maps or objects), {@link dev.vstream.test.TestTransaction transactions}, DDL,
 * heartbeats, errors and disconnects. Each change returns the
 * {@link dev.vstream.test.Commit} it was committed at, and
 * {@link dev.vstream.test.VStreamTestUtils} waits until the listeners handled it, or for
 * a stream state or a reconnect.
 */
@NullMarked
package dev.vstream.test;

import org.jspecify.annotations.NullMarked;
