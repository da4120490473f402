package dev.vstream.actuate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import dev.vstream.annotation.VStreamListener;
import dev.vstream.scaling.ShardDistributedCoordinator;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Over real HTTP, a shard stream of shard-distributed mode, whose id
 * ({@code <id>@<keyspace>/<shard>}) holds a slash, is read and controlled at
 * {@code /actuator/vstream/<id>@<keyspace>/<shard>}; stopping it keeps its shard.
 */
@SpringBootTest(classes = ShardStreamEndpointHttpTests.App.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "vstream.keyspace=commerce", "vstream.verify-tables=false",
				"vstream.jdbc.embedded-url=jdbc:h2:mem:shard-stream-http;DB_CLOSE_DELAY=-1",
				"vstream.scaling.mode=shard-distributed", "vstream.scaling.instance-id=node-1",
				"vstream.scaling.lease=2s", "vstream.scaling.check-interval=200ms",
				"management.endpoints.web.exposure.include=vstream,health",
				"management.endpoint.health.show-details=always", "management.endpoint.vstream.access=unrestricted" })
class ShardStreamEndpointHttpTests {

	private static final ScriptedVtgate vtgate = new ScriptedVtgate().withShards("commerce", "-80", "80-");

	@LocalServerPort
	int port;

	@Autowired
	ShardDistributedCoordinator coordinator;

	@AfterAll
	static void close() {
		vtgate.close();
	}

	@Test
	void aShardStreamIsReadAndControlledAtItsIdWithTheSlash() throws Exception {
		await().atMost(Duration.ofSeconds(10)).until(() -> vtgate.openCallsFor("commerce", "-80") == 1);
		HttpResponse<String> read = get("/actuator/vstream/default@commerce/-80");
		assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
		assertThat(read.body()).contains("\"id\":\"default@commerce/-80\"");

		HttpResponse<String> stopped = post("/actuator/vstream/default@commerce/-80", "{\"action\":\"stop\"}");
		assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(200);
		assertThat(stopped.body()).contains("\"state\":\"STOPPED\"");
		assertThat(vtgate.openCallsFor("commerce", "-80")).isZero();
		assertThat(this.coordinator.getOwnedShards()).contains("commerce/-80");

		HttpResponse<String> refused = post("/actuator/vstream/default@commerce/-80", "{\"action\":\"resume\"}");
		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
		assertThat(refused.body()).contains("\"stream\":\"default@commerce/-80\"");
		assertThat(post("/actuator/vstream/default@commerce/-80", "{\"action\":\"start\"}").statusCode())
			.isEqualTo(200);
		await().atMost(Duration.ofSeconds(5)).until(() -> vtgate.openCallsFor("commerce", "-80") == 1);
		assertThat(get("/actuator/vstream/default@commerce/-40").statusCode()).isEqualTo(404);
	}

	@Test
	void aShardStreamHasItsOwnHealthComponent() throws Exception {
		await().atMost(Duration.ofSeconds(10)).until(() -> vtgate.openCallsFor("commerce", "80-") == 1);

		HttpResponse<String> health = get("/actuator/health/vstream/default@commerce:80-");

		assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
		assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"state\":");
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return send(request(path).GET());
	}

	private HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
		return send(request(path).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json)));
	}

	private HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path));
	}

	private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		ManagedChannel vstreamChannel() {
			return vtgate.channel();
		}

		@VStreamListener(table = "corder")
		void on(Map<String, Object> row) {
		}

	}

}
