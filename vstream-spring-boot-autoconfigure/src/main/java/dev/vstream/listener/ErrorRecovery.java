package dev.vstream.listener;

/**
 * What happens to a change once its listener failed and every retry failed too.
 */
public enum ErrorRecovery {

	/** Use the stream's default ({@code vstream.error.recovery}). */
	DEFAULT,

	/**
	 * Stop the stream without advancing its position: nothing is lost, nothing moves on.
	 */
	STOP,

	/** Log the failure and move on: the change is lost for that listener. */
	SKIP,

	/**
	 * Hand the change to the application's {@link DeadLetterHandler} and move on; if that
	 * fails too, stop the stream.
	 */
	DEAD_LETTER

}
