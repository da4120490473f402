package dev.vstream.stream;

/**
 * The life-cycle state of a stream.
 */
public enum StreamState {

	/** Created or stopped on purpose; not receiving. */
	STOPPED,

	/** Connecting to vtgate. */
	STARTING,

	/** Receiving the copy phase (rows that existed when the stream started). */
	COPYING,

	/** Receiving live changes. */
	STREAMING,

	/**
	 * Paused on purpose ({@link VStreamContainer#pause()}): connected, but not pulling
	 * from vtgate until resumed.
	 */
	PAUSED,

	/**
	 * The offset store does not answer: a save failed, or has been waiting for a second
	 * or more. No further change is taken from vtgate (nothing is lost, vtgate holds the
	 * rest); the save is retried with the reconnect back-off and the stream carries on by
	 * itself once it succeeds.
	 */
	STORE_UNAVAILABLE,

	/**
	 * The connection broke; waiting to reconnect from the last handled position. Also
	 * shown while the stream stands by after another instance of it saved a position
	 * first (the last error is then a
	 * {@link dev.vstream.offset.PositionConflictException}).
	 */
	RECONNECTING,

	/** Stopped by an error that retrying cannot fix; see the stream's last error. */
	FAILED

}
