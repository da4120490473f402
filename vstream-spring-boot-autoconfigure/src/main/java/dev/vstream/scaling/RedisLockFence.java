package dev.vstream.scaling;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.vstream.offset.OffsetRepository;
import dev.vstream.offset.OffsetStoreException;
import dev.vstream.offset.RedisOffsetRepository;
import dev.vstream.position.StreamPosition;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.integration.support.locks.RenewableLockRegistry;

/**
 * Fences position saves with the lock keys of Spring Integration's
 * {@code RedisLockRegistry} ({@code <registryKey>:<lockKey>}, holding the registry's
 * client id while locked): a Lua script writes the position only when the lock key still
 * holds this instance's client id, so the check and the write are one atomic step on the
 * server.
 *
 * <p>
 * The registry does not publish its client id; it is read from the lock key right after
 * the first acquisition and confirmed with a renewal (which only succeeds for the
 * holder). The client id is mapped to the instance id in the hash
 * {@code <registryKey>:instances}, so that every instance can name the owner of a lock.
 */
public class RedisLockFence implements LockFence {

	private static final RedisScript<Long> SAVE_IF_HELD = new DefaultRedisScript<>("""
			if redis.call('GET', KEYS[1]) ~= ARGV[1] then
				return 0
			end
			redis.call('GETSET', KEYS[2], ARGV[2])
			return 1
			""", Long.class);

	private final StringRedisTemplate redis;

	private final String registryKey;

	private final String instanceId;

	private final RenewableLockRegistry<?> locks;

	private final Duration lease;

	private volatile @Nullable String clientId;

	/**
	 * Create a fence.
	 * @param redis the Redis holding the locks and the positions
	 * @param registryKey the registry key of the {@code RedisLockRegistry}
	 * @param instanceId the id of this instance, as shown to operators
	 * @param locks the {@code RedisLockRegistry} of this instance
	 * @param lease the lease of the locks, used to confirm the client id by a renewal
	 */
	public RedisLockFence(StringRedisTemplate redis, String registryKey, String instanceId,
			RenewableLockRegistry<?> locks, Duration lease) {
		this.redis = Objects.requireNonNull(redis, "redis");
		this.registryKey = Objects.requireNonNull(registryKey, "registryKey");
		this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
		this.locks = Objects.requireNonNull(locks, "locks");
		this.lease = Objects.requireNonNull(lease, "lease");
	}

	@Override
	public String instanceId() {
		return this.instanceId;
	}

	private String redisKey(String lockKey) {
		return this.registryKey + ":" + lockKey;
	}

	@Override
	public void lockAcquired(String lockKey) {
		if (this.clientId != null) {
			return;
		}
		String value = this.redis.opsForValue().get(redisKey(lockKey));
		if (value == null) {
			throw new IllegalStateException("Lock '" + lockKey + "' expired right after it was acquired");
		}
		// Only the holder can renew: a value read after our lease had already passed to
		// another instance would make this throw instead of being taken for our id.
		this.locks.renewLock(lockKey, this.lease);
		this.redis.opsForHash().put(this.registryKey + ":instances", value, this.instanceId);
		this.clientId = value;
	}

	@Override
	public OffsetRepository fenced(String lockKey, OffsetRepository offsets) {
		if (!(offsets instanceof RedisOffsetRepository redisOffsets)) {
			throw new IllegalArgumentException("A Redis lock fence needs a RedisOffsetRepository, not " + offsets);
		}
		return new FencedOffsetRepository(offsets, lockKey, this.instanceId) {

			@Override
			public void save(String streamId, StreamPosition position) {
				String client = RedisLockFence.this.clientId;
				Long saved;
				try {
					saved = (client != null) ? RedisLockFence.this.redis.execute(SAVE_IF_HELD,
							List.of(redisKey(lockKey), redisOffsets.keyFor(streamId)), client, position.toJson()) : 0L;
				}
				catch (DataAccessException ex) {
					throw new OffsetStoreException("Cannot save the position of stream '" + streamId
							+ "' in Redis key '" + redisOffsets.keyFor(streamId) + "': " + ex.getMessage(), ex);
				}
				if (saved == null || saved != 1L) {
					throw lockLost(streamId, position);
				}
			}

		};
	}

	@Override
	public @Nullable String owner(String lockKey) {
		String client = this.redis.opsForValue().get(redisKey(lockKey));
		if (client == null) {
			return null;
		}
		Object instance = this.redis.opsForHash().get(this.registryKey + ":instances", client);
		return (instance != null) ? instance.toString() : client;
	}

}
