package dev.vstream.offset;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.vstream.position.StreamPosition;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.DataType;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Stores positions in Redis, as the JSON form of the position in a string value under
 * {@code <prefix><streamId>} (by default {@value #DEFAULT_KEY_PREFIX}{@code <streamId>}).
 *
 * <p>
 * A key of that name that holds another Redis type is not ours: {@link #load} and
 * {@link #save} then fail with {@link OffsetStoreException} and leave it as it is.
 *
 * <p>
 * {@link #compareAndSave} is a Lua script: the comparison with the expected position and
 * the write are one atomic step on the server.
 *
 * <p>
 * Positions must survive a Redis restart, so the server should persist its data (RDB or
 * AOF) and must not evict these keys.
 */
public class RedisOffsetRepository implements OffsetRepository {

	/**
	 * The key prefix used when none is given.
	 */
	public static final String DEFAULT_KEY_PREFIX = "vstream:offset:";

	/**
	 * KEYS[1] the position key; ARGV[1] the expected JSON, ARGV[2] the new JSON, ARGV[3]
	 * "1" when a position is expected, "0" when none is. Returns {1} when written, else
	 * {0, stored value} ({0} when nothing is stored). GET fails with WRONGTYPE on foreign
	 * data, which stays as it is.
	 */
	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> COMPARE_AND_SET = new DefaultRedisScript<>("""
			local stored = redis.call('GET', KEYS[1])
			if (ARGV[3] == '1' and stored ~= ARGV[1]) or (ARGV[3] == '0' and stored) then
				if stored then
					return {0, stored}
				end
				return {0}
			end
			redis.call('SET', KEYS[1], ARGV[2])
			return {1}
			""", List.class);

	private final RedisOperations<String, String> redis;

	private final String keyPrefix;

	/**
	 * Create a repository with the {@value #DEFAULT_KEY_PREFIX} key prefix.
	 * @param redis the Redis operations, typically a {@code StringRedisTemplate}
	 */
	public RedisOffsetRepository(RedisOperations<String, String> redis) {
		this(redis, DEFAULT_KEY_PREFIX);
	}

	/**
	 * Create a repository with the given key prefix.
	 * @param redis the Redis operations, typically a {@code StringRedisTemplate}
	 * @param keyPrefix prepended to the stream id to form the key
	 */
	public RedisOffsetRepository(RedisOperations<String, String> redis, String keyPrefix) {
		this.redis = Objects.requireNonNull(redis, "redis");
		this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
	}

	/**
	 * The key under which the position of a stream is stored.
	 * @param streamId the stream id
	 * @return the Redis key
	 */
	public String keyFor(String streamId) {
		return this.keyPrefix + Objects.requireNonNull(streamId, "streamId");
	}

	@Override
	public Optional<StreamPosition> load(String streamId) {
		String key = keyFor(streamId);
		@Nullable String stored;
		try {
			stored = this.redis.opsForValue().get(key);
		}
		catch (DataAccessException ex) {
			throw failure("Cannot load the position of stream '" + streamId + "'", key, ex);
		}
		if (stored == null) {
			return Optional.empty();
		}
		try {
			return Optional.of(StreamPosition.fromJson(stored));
		}
		catch (IllegalArgumentException ex) {
			// Starting over from the configured start position would replay or skip
			// changes, so the stream must stop here and the key is left for an operator
			// to repair or delete.
			throw new OffsetStoreException(
					"Stored position of stream '" + streamId + "' in Redis key '" + key
							+ "' cannot be read; it was left unchanged, repair or delete that key: " + ex.getMessage(),
					ex);
		}
	}

	@Override
	public void save(String streamId, StreamPosition position) {
		String key = keyFor(streamId);
		Objects.requireNonNull(position, "position");
		String json = position.toJson();
		try {
			// GETSET rather than SET: SET replaces a value of any type, GETSET refuses
			// (WRONGTYPE) when the key holds something that is not a string, so foreign
			// data is never lost.
			this.redis.opsForValue().getAndSet(key, json);
		}
		catch (DataAccessException ex) {
			throw failure("Cannot save the position of stream '" + streamId + "'", key, ex);
		}
	}

	@Override
	public void compareAndSave(String streamId, @Nullable StreamPosition expected, StreamPosition position) {
		String key = keyFor(streamId);
		Objects.requireNonNull(position, "position");
		String expectedJson = (expected != null) ? expected.toJson() : "";
		for (int attempt = 0;; attempt++) {
			List<?> result;
			try {
				result = this.redis.execute(COMPARE_AND_SET, List.of(key), expectedJson, position.toJson(),
						(expected != null) ? "1" : "0");
			}
			catch (DataAccessException ex) {
				throw failure("Cannot save the position of stream '" + streamId + "'", key, ex);
			}
			if (result != null && !result.isEmpty() && Long.valueOf(1).equals(result.get(0))) {
				return;
			}
			StreamPosition stored = null;
			if (result != null && result.size() > 1) {
				String storedJson = String.valueOf(result.get(1));
				try {
					stored = StreamPosition.fromJson(storedJson);
				}
				catch (IllegalArgumentException ex) {
					throw new OffsetStoreException("Stored position of stream '" + streamId + "' in Redis key '" + key
							+ "' cannot be read; it was left unchanged, repair or delete that key: " + ex.getMessage(),
							ex);
				}
				if (attempt == 0 && stored.equals(expected)) {
					// The same position in another JSON form (written by an earlier
					// version): compare against the stored text itself.
					expectedJson = storedJson;
					continue;
				}
			}
			throw new PositionConflictException(streamId, position, expected, stored);
		}
	}

	@Override
	public void delete(String streamId) {
		String key = keyFor(streamId);
		try {
			this.redis.delete(key);
		}
		catch (DataAccessException ex) {
			throw failure("Cannot delete the position of stream '" + streamId + "'", key, ex);
		}
	}

	private OffsetStoreException failure(String what, String key, DataAccessException ex) {
		String type = wrongType(key);
		if (type != null) {
			return new OffsetStoreException(
					what + ": Redis key '" + key + "' holds a " + type
							+ ", not a stored position; it was left unchanged, remove it or use another key prefix",
					ex);
		}
		return new OffsetStoreException(what + " in Redis key '" + key + "': " + ex.getMessage(), ex);
	}

	/**
	 * Name the Redis type of a key that does not hold a string, only to explain a
	 * failure.
	 */
	private @Nullable String wrongType(String key) {
		try {
			DataType type = this.redis.type(key);
			if (type == null || type == DataType.NONE || type == DataType.STRING) {
				return null;
			}
			return "Redis " + type.code();
		}
		catch (DataAccessException ex) {
			// Redis is unreachable: the original failure already says so.
			return null;
		}
	}

}
