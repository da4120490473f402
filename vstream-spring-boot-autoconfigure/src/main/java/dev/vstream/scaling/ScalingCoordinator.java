package dev.vstream.scaling;

import java.util.List;

import dev.vstream.stream.VStreamContainer;

/**
 * Runs one stream under a scaling mode: decides, through locks, what this instance
 * streams.
 */
public interface ScalingCoordinator {

	/**
	 * @return the stream this coordinator runs
	 */
	String getStreamId();

	/**
	 * The configured stream: run as it is (active-standby), or the template of the shard
	 * streams (shard-distributed), never started itself.
	 * @return the configured stream
	 */
	VStreamContainer getStream();

	/**
	 * The streams this instance runs for it now: the stream itself while active
	 * (active-standby), one stream per owned shard (shard-distributed).
	 * @return the running or stopping streams
	 */
	List<VStreamContainer> getContainers();

	/**
	 * Who owns what, read from the lock store.
	 * @return the status
	 */
	ScalingStatus status();

}
