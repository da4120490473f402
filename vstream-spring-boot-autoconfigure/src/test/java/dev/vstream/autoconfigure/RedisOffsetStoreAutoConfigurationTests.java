package dev.vstream.autoconfigure;

import java.util.UUID;

import dev.vstream.offset.OffsetRepository;
import dev.vstream.offset.OffsetTestServices;
import dev.vstream.position.StreamPosition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static dev.vstream.test.vtgate.Events.vgtid;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis offset store as configured by {@code vstream.redis.*}, on the real Redis
 * started by {@code scripts/services/all.sh start}.
 */
class RedisOffsetStoreAutoConfigurationTests {

	private static final String KEY_PREFIX = "vstream-test:" + UUID.randomUUID() + ":";

	private static String host;

	private static int port;

	private static LettuceConnectionFactory connectionFactory;

	private static StringRedisTemplate redis;

	@BeforeAll
	static void connect() {
		connectionFactory = OffsetTestServices.redis();
		redis = new StringRedisTemplate(connectionFactory);
	}

	@AfterAll
	static void disconnect() {
		if (connectionFactory != null) {
			try {
				redis.delete(redis.keys(KEY_PREFIX + "*"));
			}
			finally {
				connectionFactory.destroy();
			}
		}
	}

	@Test
	void thePositionIsKeptUnderTheConfiguredKeyPrefix() {
		AutoConfigurationContexts.withEmbeddedOffsets()
			.withPropertyValues("vstream.auto-startup=false", "vstream.offset-store=redis",
					"vstream.redis.key-prefix=" + KEY_PREFIX)
			// the context's own connection: it closes it
			.withBean(RedisConnectionFactory.class, OffsetTestServices::redis)
			.run((context) -> {
				StreamPosition position = StreamPosition.of(vgtid("commerce", "0", "MySQL56/x:1-3"));
				context.getBean(OffsetRepository.class).save("orders", position);
				assertThat(redis.keys(KEY_PREFIX + "*")).containsExactly(KEY_PREFIX + "orders");
				assertThat(redis.opsForValue().get(KEY_PREFIX + "orders")).contains("MySQL56/x:1-3");
			});
	}

}
