package dev.vstream.scaling;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.Lock;

import com.zaxxer.hikari.HikariDataSource;
import dev.vstream.offset.JdbcOffsetRepository;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.offset.OffsetTestServices;
import dev.vstream.offset.RedisOffsetRepository;
import dev.vstream.position.StreamPosition;
import dev.vstream.test.vtgate.Events;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.redis.util.RedisLockRegistry;
import org.springframework.integration.support.locks.LockRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The lock fences on the real servers of {@code scripts/services/all.sh} (PostgreSQL,
 * MariaDB, Redis): a save while holding the lock is written, a save (plain or
 * compare-and-save) after another instance took the lock over (once the lease ran out) is
 * refused and leaves the successor's position alone.
 */
class LockFenceOnRealStoresTests {

	private static final Duration LEASE = Duration.ofMillis(1500);

	private static final StreamPosition FIRST = StreamPosition.of(Events.vgtid("customer", "-80", "MariaDB/0-1-1"));

	private static final StreamPosition SECOND = StreamPosition.of(Events.vgtid("customer", "-80", "MariaDB/0-1-2"));

	private static final StreamPosition STALE = StreamPosition.of(Events.vgtid("customer", "-80", "MariaDB/0-1-3"));

	@Test
	void postgresql() {
		try (HikariDataSource dataSource = OffsetTestServices.dataSource("POSTGRES", "PostgreSQL")) {
			jdbc(dataSource);
		}
	}

	@Test
	void mariadb() {
		try (HikariDataSource dataSource = OffsetTestServices.dataSource("MARIADB", "MariaDB")) {
			jdbc(dataSource);
		}
	}

	private void jdbc(HikariDataSource dataSource) {
		String region = "fence-" + UUID.randomUUID().toString().substring(0, 8);
		JdbcLockRegistry[] registries = new JdbcLockRegistry[2];
		JdbcLockFence[] fences = new JdbcLockFence[2];
		for (int i = 0; i < 2; i++) {
			DataSourceTransactionManager transactions = new DataSourceTransactionManager(dataSource);
			fences[i] = new JdbcLockFence(dataSource, transactions, "instance-" + i, "INT_", region);
			fences[i].createTableIfMissing();
			DefaultLockRepository repository = new DefaultLockRepository(dataSource, "instance-" + i);
			repository.setRegion(region);
			repository.setTransactionManager(transactions);
			repository.afterPropertiesSet();
			repository.afterSingletonsInstantiated();
			registries[i] = new JdbcLockRegistry(repository, LEASE);
		}
		JdbcOffsetRepository offsets = new JdbcOffsetRepository(new JdbcTemplate(dataSource));
		offsets.createTableIfMissing();
		check(registries[0], registries[1], fences[0], fences[1], offsets, "fence-test-" + region);
	}

	@Test
	void redis() {
		LettuceConnectionFactory factory = OffsetTestServices.redis();
		String run = UUID.randomUUID().toString().substring(0, 8);
		String registryKey = "vstream-test-lock-" + run;
		StringRedisTemplate redis = new StringRedisTemplate(factory);
		RedisLockRegistry first = new RedisLockRegistry(factory, registryKey, LEASE);
		RedisLockRegistry second = new RedisLockRegistry(factory, registryKey, LEASE);
		try {
			check(first, second, new RedisLockFence(redis, registryKey, "instance-0", first, LEASE),
					new RedisLockFence(redis, registryKey, "instance-1", second, LEASE),
					new RedisOffsetRepository(redis, "vstream:test:" + run + ":"), "fence-test");
		}
		finally {
			first.destroy();
			second.destroy();
			redis.delete(List.of(registryKey + ":instances"));
			factory.destroy();
		}
	}

	private void check(LockRegistry<?> firstLocks, LockRegistry<?> secondLocks, LockFence first, LockFence second,
			OffsetRepository offsets, String streamId) {
		String lockKey = "vstream:" + streamId;
		Lock firstLock = firstLocks.obtain(lockKey);
		assertThat(firstLock.tryLock()).isTrue();
		first.lockAcquired(lockKey);
		OffsetRepository firstOffsets = first.fenced(lockKey, offsets);
		firstOffsets.save(streamId, FIRST);
		assertThat(offsets.load(streamId)).contains(FIRST);
		assertThat(first.owner(lockKey)).isEqualTo("instance-0");
		assertThat(second.owner(lockKey)).isEqualTo("instance-0");

		// The first instance stops renewing (frozen); the second takes over once the
		// lease ran out.
		Lock secondLock = secondLocks.obtain(lockKey);
		assertThat(secondLock.tryLock()).isFalse();
		// Locks belong to the thread that took them: poll on this one.
		await().pollInSameThread()
			.atMost(LEASE.multipliedBy(4))
			.pollInterval(Duration.ofMillis(100))
			.until(secondLock::tryLock);
		second.lockAcquired(lockKey);
		second.fenced(lockKey, offsets).save(streamId, SECOND);

		assertThatExceptionOfType(LockLostException.class).isThrownBy(() -> firstOffsets.save(streamId, STALE))
			.withMessageContaining("instance-0")
			.withMessageContaining(lockKey);
		assertThat(offsets.load(streamId)).contains(SECOND);
		// A stream saves through compareAndSave: fenced too, even when the expected
		// position is the stored one (the store's own compare-and-set would let it
		// through).
		assertThatExceptionOfType(LockLostException.class)
			.isThrownBy(() -> firstOffsets.compareAndSave(streamId, SECOND, STALE))
			.withMessageContaining("instance-0")
			.withMessageContaining(lockKey);
		assertThat(offsets.load(streamId)).contains(SECOND);
		second.fenced(lockKey, offsets).compareAndSave(streamId, SECOND, FIRST);
		assertThat(offsets.load(streamId)).contains(FIRST);
		assertThat(first.owner(lockKey)).isEqualTo("instance-1");
		secondLock.unlock();
		assertThat(first.owner(lockKey)).isNull();
		offsets.delete(streamId);
	}

}
