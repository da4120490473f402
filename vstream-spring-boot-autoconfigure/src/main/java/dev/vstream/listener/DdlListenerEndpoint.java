package dev.vstream.listener;

import java.util.function.Consumer;

/**
 * A registered receiver of {@link DdlEvent}s, such as a {@code @VStreamDdlListener}
 * method.
 *
 * @param id unique id
 * @param keyspace the keyspace whose DDL is delivered; empty for every keyspace of the
 * stream
 * @param listener receives the events, on the stream's thread, in stream order
 */
public record DdlListenerEndpoint(String id, String keyspace, Consumer<DdlEvent> listener) {

	/**
	 * Whether this endpoint wants a DDL of a keyspace.
	 * @param eventKeyspace the keyspace of the DDL
	 * @return {@code true} when it should be called
	 */
	public boolean accepts(String eventKeyspace) {
		return this.keyspace.isEmpty() || this.keyspace.equals(eventKeyspace);
	}

}
