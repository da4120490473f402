package dev.vstream.position;

/**
 * Where a stream without a saved position starts.
 */
public enum StartPosition {

	/** Copy the rows that exist now (copy phase), then stream live changes. */
	COPY(""),

	/** Stream only changes committed from now on. */
	CURRENT("current");

	private final String gtid;

	StartPosition(String gtid) {
		this.gtid = gtid;
	}

	/**
	 * The GTID vtgate understands for this start.
	 * @return {@code ""} or {@code "current"}
	 */
	public String gtid() {
		return this.gtid;
	}

}
