package dev.vstream.mapping;

/**
 * A row, or one of its values, could not be decoded or mapped. The message names the
 * table, the column, the target property and the offending value.
 */
public class RowMappingException extends RuntimeException {

	/**
	 * Create an exception.
	 * @param message what could not be mapped
	 * @param cause the underlying failure, may be {@code null}
	 */
	public RowMappingException(String message, Throwable cause) {
		super(message, cause);
	}

}
