package dev.vstream.actuate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import dev.vstream.annotation.VStreamListener;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Over real HTTP, as an operator's tool would call it: stopping or resetting a stream is
 * a write operation that is refused until the application grants it, while reads work
 * either way.
 */
class VStreamEndpointAccessTests {

	@Nested
	@SpringBootTest(classes = App.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "vstream.offset-store=memory", "vstream.keyspace=commerce", "vstream.auto-startup=false",
					"management.endpoints.web.exposure.include=vstream" })
	class ByDefault {

		@LocalServerPort
		int port;

		@Test
		void readIsAllowedAndWriteIsRefused() throws Exception {
			assertThat(get(this.port, "/actuator/vstream").statusCode()).isEqualTo(200);
			HttpResponse<String> post = post(this.port, "/actuator/vstream/default", "{\"action\":\"reset\"}");
			assertThat(post.statusCode()).isEqualTo(405);
		}

	}

	@Nested
	@SpringBootTest(classes = App.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "vstream.offset-store=memory", "vstream.keyspace=commerce", "vstream.auto-startup=false",
					"management.endpoints.web.exposure.include=vstream",
					"management.endpoint.vstream.access=unrestricted" })
	class WhenGranted {

		@LocalServerPort
		int port;

		@Test
		void writeIsAllowed() throws Exception {
			HttpResponse<String> post = post(this.port, "/actuator/vstream/default", "{\"action\":\"reset\"}");
			assertThat(post.statusCode()).as(post.body()).isEqualTo(200);
			assertThat(post.body()).contains("\"id\":\"default\"");
		}

		@Test
		void aListenerNotStartedWithItsStreamIsStartedOverHttp() throws Exception {
			HttpResponse<String> post = post(this.port, "/actuator/vstream/default",
					"{\"action\":\"start\",\"listener\":\"orders.on\"}");

			assertThat(post.statusCode()).as(post.body()).isEqualTo(200);
			assertThat(post.body()).contains("\"id\":\"orders.on\"").contains("\"running\":true,\"autoStartup\":false");
		}

		@Test
		void anUnreadableResetPositionIsABadRequestSayingWhy() throws Exception {
			HttpResponse<String> post = post(this.port, "/actuator/vstream/default",
					"{\"action\":\"reset\",\"position\":\"yesterday\"}");

			assertThat(post.statusCode()).as(post.body()).isEqualTo(400);
			assertThat(post.body()).contains("\"stream\":\"default\"")
				.contains("must be 'copy', 'current' or a VGtid in JSON");
		}

		@Test
		void aResetPositionNamingAPathAsShardIsABadRequestSayingWhyOnOneLine() throws Exception {
			String position = "{\\\"shardGtids\\\":[{\\\"keyspace\\\":\\\"commerce\\\",\\\"shard\\\":\\\"../../etc\\\","
					+ "\\\"gtid\\\":\\\"MariaDB/0-1-5\\\"}]}";
			HttpResponse<String> post = post(this.port, "/actuator/vstream/default",
					"{\"action\":\"reset\",\"position\":\"" + position + "\"}");

			assertThat(post.statusCode()).as(post.body()).isEqualTo(400);
			assertThat(post.body()).contains("shard name '../../etc'");

			HttpResponse<String> forged = post(this.port, "/actuator/vstream/default",
					"{\"action\":\"reset\\nERROR FORGED-LOG-LINE\"}");
			assertThat(forged.statusCode()).as(forged.body()).isEqualTo(400);
			assertThat(forged.body()).contains("reset\\\\u000aERROR FORGED-LOG-LINE").doesNotContain("\\n");
		}

	}

	private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
					HttpResponse.BodyHandlers.ofString());
	}

	private static HttpResponse<String> post(int port, String path, String json)
			throws IOException, InterruptedException {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(json))
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		Orders orders() {
			return new Orders();
		}

	}

	static class Orders {

		@VStreamListener(table = "corder", autoStartup = "false")
		void on(Map<String, Object> row) {
		}

	}

}
