package dev.vstream.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.vstream.position.LogSafeText;
import dev.vstream.stream.VStreamException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.Selector.Match;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import org.springframework.util.Assert;

/**
 * Web extension of {@link VStreamEndpoint}: a refused action answers HTTP 409 with a body
 * saying why ({@code {"stream": "...", "action": "...", "error": "..."}}), where the
 * endpoint alone would answer 500 with the reason hidden by Boot's error handling; a
 * wrong request (an unknown action, a position that fails its checks) answers 400 with
 * the same body. Values from the request are escaped there.
 */
@EndpointWebExtension(endpoint = VStreamEndpoint.class)
public class VStreamWebEndpointExtension {

	private final VStreamEndpoint delegate;

	/**
	 * Create an extension.
	 * @param delegate the endpoint
	 */
	public VStreamWebEndpointExtension(VStreamEndpoint delegate) {
		Assert.notNull(delegate, "'delegate' must not be null");
		this.delegate = delegate;
	}

	/**
	 * Control a stream, as
	 * {@link VStreamEndpoint#control(String[], String, String, String)}.
	 * @param id the stream id, as the segments of the path after the endpoint's (a shard
	 * stream's id, {@code <id>@<keyspace>/<shard>}, has two)
	 * @param action the action
	 * @param position for {@code reset} only: where the next start begins
	 * @param listener the id of one listener of the stream, to start or stop only it
	 * @return the stream after the action (200), no stream with that id (404), or the
	 * reason the action was refused or the start failed its checks (409), or why the
	 * request is wrong: an unknown action, a position that fails its checks (400)
	 */
	@WriteOperation
	public WebEndpointResponse<Object> control(@Selector(match = Match.ALL_REMAINING) String[] id, String action,
			@Nullable String position, @Nullable String listener) {
		return control(String.join("/", id), action, position, listener);
	}

	/**
	 * Control a stream, as {@link #control(String[], String, String, String)}.
	 * @param streamId the stream id
	 * @param action the action
	 * @param position for {@code reset} only: where the next start begins
	 * @param listener the id of one listener of the stream, to start or stop only it
	 * @return the stream after the action (200), no stream with that id (404), or the
	 * reason the action was refused or the start failed its checks (409), or why the
	 * request is wrong: an unknown action, a position that fails its checks (400)
	 */
	public WebEndpointResponse<Object> control(String streamId, String action, @Nullable String position,
			@Nullable String listener) {
		try {
			Object stream = this.delegate.control(streamId, action, position, listener);
			return (stream != null) ? new WebEndpointResponse<>(stream)
					: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		// A refused action, or a start that failed its checks (an unreadable saved
		// position, a missing table): the reason is the caller's to read, not a 500.
		catch (IllegalStateException | VStreamException ex) {
			return refused(streamId, action, ex, 409);
		}
		// A request that cannot be done in any state (an unknown action, a position that
		// fails its checks): 400, with the reason rather than Boot's bare status.
		catch (InvalidEndpointRequestException ex) {
			return refused(streamId, action, ex, WebEndpointResponse.STATUS_BAD_REQUEST);
		}
	}

	private static WebEndpointResponse<Object> refused(String streamId, String action, RuntimeException ex,
			int status) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("stream", LogSafeText.of(streamId, 200));
		body.put("action", LogSafeText.of(action, 200));
		body.put("error", StreamReport.message(ex));
		return new WebEndpointResponse<>(body, status);
	}

}
