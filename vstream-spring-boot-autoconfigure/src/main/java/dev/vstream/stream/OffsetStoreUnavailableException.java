package dev.vstream.stream;

/**
 * A stream's offset store failed to save a position or to begin or commit the transaction
 * that covers the listeners' work. The stream does not fail for it: it holds its place
 * (the listeners' uncommitted work is rolled back and will be delivered again), reports
 * {@link StreamState#STORE_UNAVAILABLE}, and retries with the reconnect back-off until
 * the store answers again. This is the stream's last error meanwhile.
 */
public class OffsetStoreUnavailableException extends VStreamException {

	/**
	 * Create an exception.
	 * @param message names the stream and what could not be done
	 * @param cause what the store threw
	 */
	public OffsetStoreUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
