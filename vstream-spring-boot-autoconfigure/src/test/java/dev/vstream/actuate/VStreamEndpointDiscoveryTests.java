package dev.vstream.actuate;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.vstream.actuate.VStreamEndpoint.StreamDescriptor;
import dev.vstream.actuate.VStreamEndpoint.StreamsDescriptor;
import dev.vstream.position.StartPosition;
import dev.vstream.stream.VStreamContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvocationContext;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.invoke.MissingParametersException;
import org.springframework.boot.actuate.endpoint.invoke.convert.ConversionServiceParameterValueMapper;
import org.springframework.boot.actuate.endpoint.jmx.ExposableJmxEndpoint;
import org.springframework.boot.actuate.endpoint.jmx.JmxOperation;
import org.springframework.boot.actuate.endpoint.jmx.JmxOperationParameter;
import org.springframework.boot.actuate.endpoint.jmx.annotation.JmxEndpointDiscoverer;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests that Spring Boot discovers {@link VStreamEndpoint} and binds its operations'
 * parameters, by going through the JMX discoverer (the web one needs a web stack these
 * tests do not have).
 */
class VStreamEndpointDiscoveryTests extends AbstractStreamTests {

	private final AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();

	@AfterEach
	void closeContext() {
		this.context.close();
	}

	@Test
	void operationsAreDiscoveredWithTheirParameters() {
		Map<String, JmxOperation> operations = discover();

		assertThat(operations).containsOnlyKeys("streams", "stream", "control");
		assertThat(parameterNames(operations.get("streams"))).isEmpty();
		assertThat(parameterNames(operations.get("stream"))).containsExactly("id");
		assertThat(parameterNames(operations.get("control"))).containsExactly("id", "action", "position", "listener");
	}

	@Test
	void readOperationsAnswerThroughBoot() {
		Map<String, JmxOperation> operations = discover();

		Object all = operations.get("streams").invoke(invocation(Map.of()));
		Object one = operations.get("stream").invoke(invocation(Map.of("id", "orders")));
		Object unknown = operations.get("stream").invoke(invocation(Map.of("id", "customers")));

		assertThat(all).isInstanceOfSatisfying(StreamsDescriptor.class,
				(streams) -> assertThat(streams.streams()).extracting(StreamDescriptor::id).containsExactly("orders"));
		assertThat(one).isInstanceOfSatisfying(StreamDescriptor.class,
				(stream) -> assertThat(stream.id()).isEqualTo("orders"));
		assertThat(unknown).isNull();
	}

	@Test
	void writeOperationRequiresAnAction() {
		Map<String, JmxOperation> operations = discover();

		assertThatExceptionOfType(MissingParametersException.class)
			.isThrownBy(() -> operations.get("control").invoke(invocation(Map.of("id", "orders"))))
			.withMessageContaining("action");
	}

	private Map<String, JmxOperation> discover() {
		VStreamContainer container = container("orders", StartPosition.CURRENT);
		this.context.registerBean(VStreamEndpoint.class, () -> new VStreamEndpoint(List.of(container)));
		this.context.refresh();
		Collection<ExposableJmxEndpoint> endpoints = new JmxEndpointDiscoverer(this.context,
				new ConversionServiceParameterValueMapper(), List.of(), List.of(), List.of())
			.getEndpoints();
		assertThat(endpoints).singleElement()
			.satisfies((endpoint) -> assertThat(endpoint.getEndpointId().toString()).isEqualTo("vstream"));
		Map<String, JmxOperation> operations = new LinkedHashMap<>();
		endpoints.iterator()
			.next()
			.getOperations()
			.forEach((operation) -> operations.put(operation.getName(), operation));
		return operations;
	}

	private static List<String> parameterNames(JmxOperation operation) {
		return operation.getParameters().stream().map(JmxOperationParameter::getName).toList();
	}

	private static InvocationContext invocation(Map<String, Object> arguments) {
		return new InvocationContext(SecurityContext.NONE, arguments);
	}

}
