package dev.vstream.annotation;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.vstream.listener.BatchPolicy;
import dev.vstream.listener.RowChange;
import dev.vstream.listener.VStreamListenerEndpointRegistry;
import dev.vstream.mapping.RowMapperFactory;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link VStreamListener#batchSize()} and {@link VStreamListener#batchInterval()}:
 * resolved with placeholders, defaulted one from the other, refused where they cannot
 * apply.
 */
class BatchAttributesTests {

	private final VStreamListenerEndpointRegistry registry = new VStreamListenerEndpointRegistry();

	private final VStreamListenerAnnotationBeanPostProcessor processor = new VStreamListenerAnnotationBeanPostProcessor(
			() -> this.registry, () -> new RowMapperFactory(new DefaultConversionService()));

	BatchAttributesTests() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("test", Map.of("sink.size", "250", "sink.interval", "500ms")));
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.addEmbeddedValueResolver(environment::resolvePlaceholders);
		this.processor.setBeanFactory(beanFactory);
	}

	@Test
	void attributesAreResolvedWithPlaceholdersAndDefaultOneAnother() {
		this.processor.postProcessAfterInitialization(new Sinks(), "sinks");
		assertThat(this.registry.getRequiredEndpoint("both").getBatchPolicy())
			.isEqualTo(new BatchPolicy(250, Duration.ofMillis(500)));
		assertThat(this.registry.getRequiredEndpoint("size").getBatchPolicy())
			.isEqualTo(new BatchPolicy(10, BatchPolicy.DEFAULT_INTERVAL));
		assertThat(this.registry.getRequiredEndpoint("interval").getBatchPolicy())
			.isEqualTo(new BatchPolicy(BatchPolicy.DEFAULT_SIZE, Duration.ofSeconds(2)));
		assertThat(this.registry.getRequiredEndpoint("transactions").getBatchPolicy()).isNull();
	}

	@Test
	void batchOfSingleChangesFailsNamingTheListener() {
		assertThatIllegalStateException()
			.isThrownBy(() -> this.processor.postProcessAfterInitialization(new SingleChangeBatch(), "single"))
			.withMessageContaining("'single'")
			.withMessageContaining("List<RowChange<T>>");
	}

	@Test
	void sizeThatIsNotPositiveFailsNamingTheMethod() {
		assertThatIllegalStateException()
			.isThrownBy(() -> this.processor.postProcessAfterInitialization(new ZeroSize(), "zero"))
			.withMessageContaining("ZeroSize.write")
			.withMessageContaining("batchSize '0'");
	}

	@Test
	void intervalThatIsNoDurationFailsNamingTheMethod() {
		assertThatIllegalStateException()
			.isThrownBy(() -> this.processor.postProcessAfterInitialization(new BadInterval(), "bad"))
			.withMessageContaining("BadInterval.write")
			.withMessageContaining("batchInterval 'soon'");
	}

	static class Sinks {

		@VStreamListener(id = "both", table = "corder", batchSize = "${sink.size}", batchInterval = "${sink.interval}")
		void both(List<RowChange<Map<String, Object>>> changes) {
		}

		@VStreamListener(id = "size", table = "corder", batchSize = "10")
		void size(List<RowChange<Map<String, Object>>> changes) {
		}

		@VStreamListener(id = "interval", table = "corder", batchInterval = "PT2S")
		void interval(List<RowChange<Map<String, Object>>> changes) {
		}

		@VStreamListener(id = "transactions", table = "corder")
		void transactions(List<RowChange<Map<String, Object>>> changes) {
		}

	}

	static class SingleChangeBatch {

		@VStreamListener(id = "single", table = "corder", batchSize = "10")
		void write(RowChange<Map<String, Object>> change) {
		}

	}

	static class ZeroSize {

		@VStreamListener(table = "corder", batchSize = "0")
		void write(List<RowChange<Map<String, Object>>> changes) {
		}

	}

	static class BadInterval {

		@VStreamListener(table = "corder", batchInterval = "soon")
		void write(List<RowChange<Map<String, Object>>> changes) {
		}

	}

}
