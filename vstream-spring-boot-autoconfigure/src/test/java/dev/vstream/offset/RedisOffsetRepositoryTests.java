package dev.vstream.offset;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamException;
import dev.vstream.test.vtgate.ScriptedVtgate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.DataType;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link RedisOffsetRepository} on a real redis-server (see {@link OffsetTestServices}),
 * through Lettuce as Spring Boot configures it.
 */
class RedisOffsetRepositoryTests extends PersistentOffsetRepositoryContractTests {

	// A prefix of its own for each run, so that runs sharing a server do not meet.
	private static final String KEY_PREFIX = "vstream:test:" + UUID.randomUUID().toString().substring(0, 8) + ":";

	private static LettuceConnectionFactory connectionFactory;

	private static StringRedisTemplate redis;

	private static RedisOffsetRepository repository;

	@BeforeAll
	static void connect() {
		connectionFactory = OffsetTestServices.redis();
		redis = new StringRedisTemplate(connectionFactory);
		repository = new RedisOffsetRepository(redis, KEY_PREFIX);
	}

	@AfterAll
	static void removeKeys() {
		if (connectionFactory != null) {
			try {
				Set<String> keys = redis.keys(KEY_PREFIX + "*");
				if (keys != null && !keys.isEmpty()) {
					redis.delete(keys);
				}
			}
			finally {
				connectionFactory.destroy();
			}
		}
	}

	@Override
	protected RedisOffsetRepository repository() {
		return repository;
	}

	@Override
	protected void storeRawValue(String streamId, String value) {
		redis.opsForValue().set(KEY_PREFIX + streamId, value);
	}

	@Override
	protected Optional<String> readRawValue(String streamId) {
		return Optional.ofNullable(redis.opsForValue().get(KEY_PREFIX + streamId));
	}

	@Override
	protected String storeName(String streamId) {
		return KEY_PREFIX + streamId;
	}

	@Test
	void positionIsStoredUnderPrefixAndStreamId() {
		assertThat(new RedisOffsetRepository(redis).keyFor("orders")).isEqualTo("vstream:offset:orders");
		String id = streamId("orders");

		repository.save(id, position(1));

		assertThat(redis.type(KEY_PREFIX + id)).isEqualTo(DataType.STRING);
	}

	@Test
	void keyOfAnotherTypeFailsLoadAndSaveAndIsLeftAsItIs() {
		String id = streamId("orders");
		String key = KEY_PREFIX + id;
		redis.opsForHash().put(key, "owner", "someone else");

		assertThatExceptionOfType(OffsetStoreException.class).isThrownBy(() -> repository.load(id))
			.withMessageContaining(id)
			.withMessageContaining(key)
			.withMessageContaining("hash");
		assertThatExceptionOfType(OffsetStoreException.class).isThrownBy(() -> repository.save(id, position(1)))
			.withMessageContaining(id)
			.withMessageContaining(key)
			.withMessageContaining("hash");
		assertThat(redis.type(key)).isEqualTo(DataType.HASH);
		assertThat(redis.<String, String>opsForHash().entries(key)).isEqualTo(Map.of("owner", "someone else"));
	}

	@Test
	void streamDoesNotStartOnAKeyOfAnotherTypeNorTouchIt() {
		String id = streamId("orders");
		String key = KEY_PREFIX + id;
		redis.opsForList().rightPushAll(key, "a", "b");
		try (ScriptedVtgate vtgate = new ScriptedVtgate()) {
			VStreamContainer container = ContainerOnStore.create(id, "commerce", repository, vtgate);

			assertThatExceptionOfType(VStreamException.class).isThrownBy(container::start)
				.withMessageContaining("'" + id + "' cannot start")
				.withMessageContaining(key)
				.withMessageContaining("list");
			assertThat(container.getState()).isEqualTo(StreamState.FAILED);
			container.stop();
			assertThat(vtgate.requests()).isEmpty();
		}
		assertThat(redis.type(key)).isEqualTo(DataType.LIST);
		assertThat(redis.opsForList().range(key, 0, -1)).containsExactly("a", "b");
	}

	@Test
	void unreachableRedisFailsWithTheStreamNamed() {
		LettuceConnectionFactory nowhere = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", 1),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(2)).build());
		nowhere.afterPropertiesSet();
		nowhere.start();
		try {
			RedisOffsetRepository unreachable = new RedisOffsetRepository(new StringRedisTemplate(nowhere));
			assertThatExceptionOfType(OffsetStoreException.class).isThrownBy(() -> unreachable.load("orders"))
				.withMessageContaining("orders");
			assertThatExceptionOfType(OffsetStoreException.class)
				.isThrownBy(() -> unreachable.save("orders", position(1)))
				.withMessageContaining("orders");
		}
		finally {
			nowhere.destroy();
		}
	}

}
