package dev.vstream.autoconfigure;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import dev.vstream.actuate.VStreamHealthIndicator;
import dev.vstream.annotation.VStreamListener;
import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.test.Order;
import dev.vstream.test.vtgate.TestCertificates;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.vitess.proto.Vtgate.VStreamRequest;
import io.vitess.proto.Vtgate.VStreamResponse;
import io.vitess.proto.grpc.VitessGrpc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static dev.vstream.test.vtgate.Events.begin;
import static dev.vstream.test.vtgate.Events.commit;
import static dev.vstream.test.vtgate.Events.corderFields;
import static dev.vstream.test.vtgate.Events.insert;
import static dev.vstream.test.vtgate.Events.response;
import static dev.vstream.test.vtgate.Events.row;
import static dev.vstream.test.vtgate.Events.vgtid;
import static dev.vstream.test.vtgate.Events.vgtidEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * TLS, mutual TLS and vtgate's static authentication against a real gRPC server (Netty)
 * on loopback, with certificates generated for the test run.
 */
class VtgateTlsAndAuthTests {

	@TempDir
	static Path directory;

	static TestCertificates ca;

	static TestCertificates otherCa;

	static TestCertificates.Issued serverCert;

	static TestCertificates.Issued clientCert;

	static TestCertificates.Issued strangerCert;

	static TestCertificates.Issued otherHostCert;

	private Server server;

	private final FakeVtgate vtgate = new FakeVtgate();

	@BeforeAll
	static void certificates() {
		ca = new TestCertificates(directory, "test-ca");
		otherCa = new TestCertificates(directory, "other-ca");
		serverCert = ca.issue("vtgate");
		clientCert = ca.issue("vstream-client");
		strangerCert = otherCa.issue("stranger");
		otherHostCert = ca.issue("other-vtgate", "dns:vtgate.other.example");
	}

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.shutdownNow();
		}
	}

	@Test
	void tlsWithTheRightCaStreams() throws IOException {
		start(tls(TlsServerCredentials.ClientAuth.NONE), null);
		runner(trustOnly(ca)).run((context) -> {
			assertThat(context).hasNotFailed();
			Projection projection = context.getBean(Projection.class);
			await().untilAsserted(() -> assertThat(projection.orders).singleElement()
				.satisfies((order) -> assertThat(order.sku()).isEqualTo("apple")));
			assertThat(context.getBean(VStreamContainer.class).getState()).isIn(StreamState.COPYING,
					StreamState.STREAMING);
			assertThat(this.vtgate.tls).singleElement().isEqualTo(Boolean.TRUE);
		});
	}

	@Test
	void wrongCaFailsOnceWithAClearMessageAndHealthDown() throws IOException {
		start(tls(TlsServerCredentials.ClientAuth.NONE), null);
		runner(trustOnly(otherCa)).run((context) -> {
			assertThat(context).hasNotFailed();
			VStreamContainer container = context.getBean(VStreamContainer.class);
			await().until(container::getState, StreamState.FAILED::equals);
			assertThat(container.getLastError()).hasMessageContaining("TLS handshake with vtgate failed")
				.hasMessageContaining("vstream.vtgate.ssl.bundle")
				.hasMessageContaining("unable to find valid certification path");
			assertThat(container.getReconnects()).isZero();
			assertThat(this.vtgate.requests).isEmpty();
			// io.grpc.Status is imported here: compare the health status by its code.
			assertThat(new VStreamHealthIndicator(container).health().getStatus().getCode()).isEqualTo("DOWN");
		});
	}

	@Test
	void certificateForAnotherHostFailsTheHandshakeWithTheTlsMessage() throws IOException {
		// signed by the trusted CA, but for vtgate.other.example, not the 127.0.0.1
		// dialled
		start(TlsServerCredentials.newBuilder()
			.keyManager(otherHostCert.chain().toFile(), otherHostCert.privateKey().toFile())
			.build(), null);
		runner(trustOnly(ca)).run((context) -> {
			VStreamContainer container = context.getBean(VStreamContainer.class);
			await().until(container::getState, StreamState.FAILED::equals);
			assertThat(container.getLastError()).hasMessageContaining("TLS handshake with vtgate failed")
				.hasMessageContaining("vstream.vtgate.ssl.bundle")
				.hasMessageContaining("127.0.0.1");
			assertThat(container.getReconnects()).isZero();
			assertThat(this.vtgate.requests).isEmpty();
		});
	}

	@Test
	void mutualTlsWithTheClientCertificateStreams() throws IOException {
		start(tls(TlsServerCredentials.ClientAuth.REQUIRE), null);
		runner(trustOnly(ca), "spring.ssl.bundle.pem.vtgate.keystore.certificate=file:" + clientCert.chain(),
				"spring.ssl.bundle.pem.vtgate.keystore.private-key=file:" + clientCert.privateKey())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Projection projection = context.getBean(Projection.class);
				await().untilAsserted(() -> assertThat(projection.orders).hasSize(1));
				assertThat(this.vtgate.clientSubjects).singleElement().asString().contains("CN=vstream-client");
			});
	}

	@Test
	void mutualTlsWithoutAClientCertificateNeverReachesVtgate() throws IOException {
		start(tls(TlsServerCredentials.ClientAuth.REQUIRE), null);
		runner(trustOnly(ca), "vstream.reconnect.initial-interval=50ms").run((context) -> {
			VStreamContainer container = context.getBean(VStreamContainer.class);
			// TLS 1.3: vtgate's refusal is the certificate_required alert (an alert TLS
			// 1.2 does not have) on the first read after the client's handshake ended.
			await().until(container::getState, StreamState.FAILED::equals);
			assertThat(container.getLastError()).hasMessageContaining("TLS handshake with vtgate failed")
				.hasMessageContaining("CERTIFICATE_REQUIRED")
				.hasMessageContaining("the client certificate vtgate expects");
			assertThat(container.getReconnects()).isZero();
			assertThat(this.vtgate.requests).isEmpty();
		});
	}

	@Test
	void mutualTlsWithACertificateOfAnotherCaFails() throws IOException {
		start(tls(TlsServerCredentials.ClientAuth.REQUIRE), null);
		runner(trustOnly(ca), "spring.ssl.bundle.pem.vtgate.keystore.certificate=file:" + strangerCert.chain(),
				"spring.ssl.bundle.pem.vtgate.keystore.private-key=file:" + strangerCert.privateKey(),
				"vstream.reconnect.initial-interval=50ms")
			.run((context) -> {
				VStreamContainer container = context.getBean(VStreamContainer.class);
				await().until(container::getState, StreamState.FAILED::equals);
				assertThat(container.getLastError()).hasMessageContaining("TLS handshake with vtgate failed");
				assertThat(container.getReconnects()).isZero();
				assertThat(this.vtgate.requests).isEmpty();
			});
	}

	@Test
	void staticAuthWithThePasswordFromTheEnvironmentStreamsOverTls() throws IOException {
		start(tls(TlsServerCredentials.ClientAuth.NONE), Map.of("vstream", "s3cret-pw"));
		runner(trustOnly(ca), "vstream.vtgate.username=vstream")
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("systemEnvironment-test",
						Map.of("VSTREAM_VTGATE_PASSWORD", "s3cret-pw"))))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Projection projection = context.getBean(Projection.class);
				await().untilAsserted(() -> assertThat(projection.orders).hasSize(1));
				assertThat(this.vtgate.authAttempts).hasValue(1);
				assertThat(context.getBean(VStreamProperties.class).getVtgate().toString()).doesNotContain("s3cret-pw");
			});
	}

	@Test
	void staticAuthOverPlaintextStreams() throws IOException {
		start(InsecureServerCredentials.create(), Map.of("vstream", "s3cret-pw"));
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(VStreamAutoConfiguration.class))
			.withPropertyValues("vstream.keyspace=commerce", "vstream.offset-store=memory",
					// these tests count the calls vtgate gets: only the stream itself
					"vstream.verify-tables=false", "vstream.vtgate.address=127.0.0.1:" + this.server.getPort(),
					"vstream.vtgate.username=vstream", "vstream.vtgate.password=s3cret-pw")
			.withBean(Projection.class)
			.run((context) -> {
				await().untilAsserted(() -> assertThat(context.getBean(Projection.class).orders).hasSize(1));
				assertThat(this.vtgate.tls).singleElement().isEqualTo(Boolean.FALSE);
			});
	}

	@Test
	void wrongPasswordFailsOnceWithoutRetriesAndWithoutShowingThePassword() throws IOException {
		start(tls(TlsServerCredentials.ClientAuth.NONE), Map.of("vstream", "s3cret-pw"));
		runner(trustOnly(ca), "vstream.vtgate.username=vstream", "vstream.vtgate.password=wrong-pw",
				"vstream.reconnect.initial-interval=50ms")
			.run((context) -> {
				VStreamContainer container = context.getBean(VStreamContainer.class);
				await().until(container::getState, StreamState.FAILED::equals);
				assertThat(container.getLastError()).hasMessageContaining("PERMISSION_DENIED")
					.hasMessageNotContaining("wrong-pw");
				assertThat(this.vtgate.authAttempts).hasValue(1);
				assertThat(container.getReconnects()).isZero();
				assertThat(this.vtgate.requests).isEmpty();
			});
	}

	@Test
	void missingCredentialsAreUnauthenticatedAndPermanent() throws IOException {
		start(tls(TlsServerCredentials.ClientAuth.NONE), Map.of("vstream", "s3cret-pw"));
		runner(trustOnly(ca)).run((context) -> {
			VStreamContainer container = context.getBean(VStreamContainer.class);
			await().until(container::getState, StreamState.FAILED::equals);
			assertThat(container.getLastError()).hasMessageContaining("UNAUTHENTICATED");
			assertThat(this.vtgate.authAttempts).hasValue(1);
		});
	}

	@Test
	void unknownBundleFailsStartUpNamingTheProperty() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, VStreamAutoConfiguration.class))
			.withPropertyValues("vstream.keyspace=commerce", "vstream.offset-store=memory",
					// these tests count the calls vtgate gets: only the stream itself
					"vstream.verify-tables=false", "vstream.vtgate.ssl.bundle=nope")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasMessageContaining("vstream.vtgate.ssl.bundle=nope")
				.hasMessageContaining("spring.ssl.bundle.pem.nope"));
	}

	@Test
	void usernameWithoutPasswordIsRejected() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(VStreamAutoConfiguration.class))
			.withPropertyValues("vstream.keyspace=commerce", "vstream.offset-store=memory",
					// these tests count the calls vtgate gets: only the stream itself
					"vstream.verify-tables=false", "vstream.vtgate.username=vstream")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("must be set together"));
	}

	private ApplicationContextRunner runner(String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, VStreamAutoConfiguration.class))
			.withPropertyValues("vstream.keyspace=commerce", "vstream.offset-store=memory",
					// these tests count the calls vtgate gets: only the stream itself
					"vstream.verify-tables=false", "vstream.vtgate.address=127.0.0.1:" + this.server.getPort(),
					"vstream.vtgate.ssl.bundle=vtgate")
			.withPropertyValues(properties)
			.withBean(Projection.class);
	}

	private static String trustOnly(TestCertificates authority) {
		return "spring.ssl.bundle.pem.vtgate.truststore.certificate=file:" + authority.caCertificate();
	}

	private static ServerCredentials tls(TlsServerCredentials.ClientAuth clientAuth) throws IOException {
		return TlsServerCredentials.newBuilder()
			.keyManager(serverCert.chain().toFile(), serverCert.privateKey().toFile())
			.trustManager(ca.caCertificate().toFile())
			.clientAuth(clientAuth)
			.build();
	}

	private void start(ServerCredentials credentials, Map<String, String> users) throws IOException {
		ServerInterceptor interceptor = new ServerInterceptor() {
			@Override
			public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
					ServerCallHandler<Q, R> next) {
				SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
				// Counted per VStream call: the stream also asks vtgate for the shards of
				// its first position (Execute), over the same channel and credentials.
				boolean vstream = "VStream".equals(call.getMethodDescriptor().getBareMethodName());
				if (vstream) {
					VtgateTlsAndAuthTests.this.vtgate.tls.add(session != null);
				}
				if (session != null && vstream) {
					try {
						VtgateTlsAndAuthTests.this.vtgate.clientSubjects
							.add(((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal()
								.getName());
					}
					catch (SSLPeerUnverifiedException ex) {
						// no client certificate: nothing to record
					}
				}
				if (users != null) {
					// What vtgate's StaticAuthPlugin does
					// (go/vt/servenv/grpc_server_auth_static.go)
					if (vstream) {
						VtgateTlsAndAuthTests.this.vtgate.authAttempts.incrementAndGet();
					}
					String username = headers.get(VtgateStaticAuthCredentials.USERNAME);
					String password = headers.get(VtgateStaticAuthCredentials.PASSWORD);
					if (username == null || password == null) {
						call.close(Status.UNAUTHENTICATED.withDescription("username and password must be provided"),
								new Metadata());
						return new ServerCall.Listener<>() {
						};
					}
					if (!password.equals(users.get(username))) {
						call.close(
								Status.PERMISSION_DENIED.withDescription(
										"auth failure: caller \"" + username + "\" provided invalid credentials"),
								new Metadata());
						return new ServerCall.Listener<>() {
						};
					}
				}
				return next.startCall(call, headers);
			}
		};
		this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials)
			.addService(ServerInterceptors.intercept(this.vtgate, interceptor))
			.build()
			.start();
	}

	static final class FakeVtgate extends VitessGrpc.VitessImplBase {

		final List<VStreamRequest> requests = new CopyOnWriteArrayList<>();

		final List<Boolean> tls = new CopyOnWriteArrayList<>();

		final List<String> clientSubjects = new CopyOnWriteArrayList<>();

		final AtomicInteger authAttempts = new AtomicInteger();

		@Override
		public void vStream(VStreamRequest request, StreamObserver<VStreamResponse> responseObserver) {
			this.requests.add(request);
			responseObserver.onNext(response(begin(), corderFields("commerce", "0"),
					insert("commerce", "0", "corder", row(1, 7, "apple", "1.50")),
					vgtidEvent(vgtid("commerce", "0", "MySQL56/a1b2:1-10")), commit()));
			// stays open, like an idle vtgate
		}

	}

	static class Projection {

		final List<Order> orders = new CopyOnWriteArrayList<>();

		@VStreamListener(table = "corder")
		void on(Order order) {
			this.orders.add(order);
		}

	}

}
