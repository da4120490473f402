package dev.vstream.listener;

/**
 * The kind of a row change.
 */
public enum Operation {

	/** A new row: only the after image is present. */
	INSERT,

	/** A changed row: before and after images are present. */
	UPDATE,

	/** A removed row: only the before image is present. */
	DELETE

}
