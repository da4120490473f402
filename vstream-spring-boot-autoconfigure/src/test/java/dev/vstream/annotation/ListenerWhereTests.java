package dev.vstream.annotation;

import java.util.Map;

import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.listener.VStreamListenerEndpointRegistry;
import dev.vstream.mapping.RowMapperFactory;
import org.junit.jupiter.api.Test;

import org.springframework.core.convert.support.DefaultConversionService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@code @VStreamListener(where, columns)}: parsed at start-up onto the endpoint, and a
 * condition vtgate's filter could not take fails naming the listener.
 */
class ListenerWhereTests {

	private final VStreamListenerEndpointRegistry registry = new VStreamListenerEndpointRegistry();

	private final VStreamListenerAnnotationBeanPostProcessor processor = new VStreamListenerAnnotationBeanPostProcessor(
			() -> this.registry, () -> new RowMapperFactory(new DefaultConversionService()));

	@Test
	void whereAndColumnsReachTheEndpoint() {
		this.processor.postProcessAfterInitialization(new Filtered(), "filtered");
		VStreamListenerEndpoint endpoint = this.registry.getRequiredEndpoint("dear");
		assertThat(endpoint.getWhere()).hasToString("`price` > 10 and `customer_id` in (1, 2)");
		assertThat(endpoint.getColumns()).containsExactly("order_id", "price");
	}

	@Test
	void anUnsupportedWhereFailsNamingTheListener() {
		assertThatIllegalStateException()
			.isThrownBy(() -> this.processor.postProcessAfterInitialization(new Unsupported(), "unsupported"))
			.withMessageContaining("listener 'unsupported.onOrder'")
			.withMessageContaining("'or' is not supported");
	}

	static class Filtered {

		@VStreamListener(table = "corder", id = "dear", where = "price > 10 and customer_id in (1,2)",
				columns = { "order_id", "price" })
		void onOrder(Map<String, Object> order) {
		}

	}

	static class Unsupported {

		@VStreamListener(table = "corder", where = "price > 10 or customer_id = 1")
		void onOrder(Map<String, Object> order) {
		}

	}

}
