package dev.vstream.stream;

import java.util.Iterator;

import io.vitess.proto.Vtgate.VStreamResponse;

/**
 * The responses of a stream's connection, as a blocking iterator: a failed call throws
 * its status from {@link #hasNext()}, and {@code false} means vtgate ended the call.
 */
interface VStreamResponses extends Iterator<VStreamResponse> {

	/**
	 * Wait until {@link #hasNext()} can answer without waiting. Called on the consumer's
	 * thread.
	 * @param timeoutNanos how long to wait at most, negative for no limit
	 * @return {@code false} when the wait ended without an answer at hand: the time ran
	 * out, or {@link #wake()} was called
	 */
	boolean await(long timeoutNanos);

	/**
	 * End a wait in {@link #await(long)} (or the next one), from any thread.
	 */
	void wake();

	/**
	 * Whether a response is received and waits to be taken, so that {@link #next()} would
	 * not wait for the network. Called on the consumer's thread.
	 * @return whether a response waits
	 */
	boolean isResponseWaiting();

}
