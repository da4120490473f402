package dev.vstream.autoconfigure;

import java.lang.reflect.Constructor;
import java.util.Map;
import java.util.function.Supplier;

import io.grpc.ManagedChannel;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactories;
import org.springframework.boot.docker.compose.core.ConnectionPorts;
import org.springframework.boot.docker.compose.core.ImageReference;
import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.Environment;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The channel to vtgate comes from the {@link VtgateConnectionDetails} bean: the
 * properties' by default, the application's when it defines one, and the ones that Spring
 * Boot's service connections create for a {@code vitess/vttestserver} container or Docker
 * Compose service. No Docker engine here: the factories are given their own inputs (a
 * container and a running service that report ports, as Docker would), through the
 * registry Spring Boot loads them with ({@code META-INF/spring.factories}).
 */
class VtgateConnectionDetailsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(VStreamAutoConfiguration.class))
		.withPropertyValues("vstream.offset-store=memory", "vstream.auto-startup=false",
				"vstream.vtgate.address=vtgate.internal:15991");

	@Test
	void propertiesByDefault() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(VtgateConnectionDetails.class)
				.getBean(VtgateConnectionDetails.class)
				.isInstanceOf(PropertiesVtgateConnectionDetails.class);
			assertThat(context.getBean(VtgateConnectionDetails.class).getAddress()).isEqualTo("vtgate.internal:15991");
			assertThat(context.getBean("vstreamChannel", ManagedChannel.class).authority())
				.isEqualTo("vtgate.internal:15991");
		});
	}

	@Test
	void theApplicationsDetailsWinOverTheProperties() {
		VtgateConnectionDetails own = () -> "vtgate.example:25991";
		this.runner.withBean("vtgate", VtgateConnectionDetails.class, () -> own).run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(VtgateConnectionDetails.class)
				.doesNotHaveBean(PropertiesVtgateConnectionDetails.class);
			assertThat(context.getBean("vstreamChannel", ManagedChannel.class).authority())
				.isEqualTo("vtgate.example:25991");
		});
	}

	@Test
	void credentialsOfTheDetailsWithoutTlsAreRefusedOffLoopback() {
		VtgateConnectionDetails own = new VtgateConnectionDetails() {

			@Override
			public String getAddress() {
				return "vtgate.example:25991";
			}

			@Override
			public String getUsername() {
				return "vstream";
			}

		};
		this.runner.withBean("vtgate", VtgateConnectionDetails.class, () -> own)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("not on loopback"));
	}

	@Test
	void testcontainersFactoryForAVttestserverContainer() throws Exception {
		GenericContainer<?> container = mock(GenericContainer.class);
		given(container.getHost()).willReturn("docker-host");
		given(container.getEnvMap()).willReturn(Map.of("PORT", "15990"));
		given(container.getMappedPort(15991)).willReturn(49153);
		ContainerConnectionSource<?> source = containerSource("vitess/vttestserver:v22.0.1-mysql80", container);
		Map<Class<?>, ConnectionDetails> details = new ConnectionDetailsFactories(getClass().getClassLoader())
			.getConnectionDetails(source, false);
		assertThat(details).containsKey(VtgateConnectionDetails.class);
		VtgateConnectionDetails vtgate = (VtgateConnectionDetails) details.get(VtgateConnectionDetails.class);
		((InitializingBean) vtgate).afterPropertiesSet();
		assertThat(vtgate.getAddress()).isEqualTo("docker-host:49153");
		assertThat(vtgate.getSslBundle()).isNull();
		assertThat(vtgate.getUsername()).isNull();
	}

	@Test
	void testcontainersFactoryDefaultsToTheImagesExamplePort() throws Exception {
		GenericContainer<?> container = mock(GenericContainer.class);
		given(container.getHost()).willReturn("localhost");
		given(container.getEnvMap()).willReturn(Map.of());
		given(container.getMappedPort(33575)).willReturn(40001);
		VtgateConnectionDetails vtgate = (VtgateConnectionDetails) new ConnectionDetailsFactories(
				getClass().getClassLoader())
			.getConnectionDetails(containerSource("vitess/vttestserver:latest", container), false)
			.get(VtgateConnectionDetails.class);
		((InitializingBean) vtgate).afterPropertiesSet();
		assertThat(vtgate.getAddress()).isEqualTo("localhost:40001");
	}

	@Test
	void testcontainersFactoryLeavesOtherImagesAlone() throws Exception {
		GenericContainer<?> container = mock(GenericContainer.class);
		Map<Class<?>, ConnectionDetails> details = new ConnectionDetailsFactories(getClass().getClassLoader())
			.getConnectionDetails(containerSource("mysql:8.4", container), false);
		assertThat(details).doesNotContainKey(VtgateConnectionDetails.class);
	}

	@Test
	void dockerComposeFactoryForAVttestserverService() throws Exception {
		RunningService service = mock(RunningService.class);
		ConnectionPorts ports = mock(ConnectionPorts.class);
		given(service.name()).willReturn("vitess");
		given(service.image()).willReturn(ImageReference.of("vitess/vttestserver:v22.0.1-mysql80"));
		given(service.host()).willReturn("127.0.0.1");
		given(service.env()).willReturn(Map.of("PORT", "33574", "KEYSPACES", "commerce"));
		given(service.labels()).willReturn(Map.of());
		given(service.ports()).willReturn(ports);
		given(ports.get(33575)).willReturn(32771);
		Map<Class<?>, ConnectionDetails> details = new ConnectionDetailsFactories(getClass().getClassLoader())
			.getConnectionDetails(composeSource(service), false);
		assertThat(details).containsKey(VtgateConnectionDetails.class);
		VtgateConnectionDetails vtgate = (VtgateConnectionDetails) details.get(VtgateConnectionDetails.class);
		assertThat(vtgate.getAddress()).isEqualTo("127.0.0.1:32771");
		assertThat(vtgate.getSslBundle()).isNull();
	}

	@Test
	void dockerComposeFactoryLeavesOtherImagesAlone() throws Exception {
		RunningService service = mock(RunningService.class);
		given(service.image()).willReturn(ImageReference.of("nginx:1.27"));
		given(service.labels()).willReturn(Map.of());
		assertThat(new ConnectionDetailsFactories(getClass().getClassLoader())
			.getConnectionDetails(composeSource(service), false)).doesNotContainKey(VtgateConnectionDetails.class);
	}

	// Spring Boot builds these sources itself from a @ServiceConnection field or a
	// running compose service; their constructors are not public.
	private static ContainerConnectionSource<?> containerSource(String image, Container<?> container) throws Exception {
		Constructor<?> constructor = ContainerConnectionSource.class.getDeclaredConstructor(String.class, Origin.class,
				Class.class, String.class, MergedAnnotation.class, Supplier.class,
				Class.forName("org.springframework.boot.testcontainers.service.connection.SslBundleSource"),
				MergedAnnotations.class);
		constructor.setAccessible(true);
		Supplier<Container<?>> supplier = () -> container;
		return (ContainerConnectionSource<?>) constructor.newInstance("vtgate", null, GenericContainer.class, image,
				MergedAnnotation.of(ServiceConnection.class), supplier, null, null);
	}

	private static DockerComposeConnectionSource composeSource(RunningService service) throws Exception {
		Constructor<DockerComposeConnectionSource> constructor = DockerComposeConnectionSource.class
			.getDeclaredConstructor(RunningService.class, Environment.class);
		constructor.setAccessible(true);
		return constructor.newInstance(service, new MockEnvironment());
	}

}
