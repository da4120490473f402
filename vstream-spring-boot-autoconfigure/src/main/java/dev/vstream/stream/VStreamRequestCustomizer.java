package dev.vstream.stream;

import io.vitess.proto.Vtgate.VStreamRequest;

/**
 * Changes the VStream request a stream sends to vtgate, after the stream filled it in
 * (tablet type, position, filter rules, flags): for whatever vtgate offers that the
 * {@code vstream.*} properties do not. Called on every (re)connect, for every call; in
 * the application context, every bean of this type is applied, in {@code @Order}.
 *
 * <p>
 * The stream relies on what it put into the request: a customizer that changes the
 * position, the keyspaces or the filter rules makes vtgate send what the stream does not
 * expect, and the stream then stops with an error.
 */
@FunctionalInterface
public interface VStreamRequestCustomizer {

	/**
	 * Change the request.
	 * @param request the request, as the stream built it
	 */
	void customize(VStreamRequest.Builder request);

}
