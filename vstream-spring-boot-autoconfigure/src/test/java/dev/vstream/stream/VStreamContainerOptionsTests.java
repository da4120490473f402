package dev.vstream.stream;

import java.beans.PropertyDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.offset.InMemoryOffsetRepository;
import dev.vstream.offset.StreamRunMarker;
import dev.vstream.position.StartPosition;
import dev.vstream.test.InMemoryRunMarker;
import dev.vstream.test.StreamFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.DefaultTransactionDefinition;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A shard's stream ({@link VStreamContainer#forShard}) runs as the stream it serves:
 * every option is taken over, including one added later (the test sets every writable
 * property and fails on a type it cannot set).
 */
class VStreamContainerOptionsTests {

	private final StreamFixture<InMemoryOffsetRepository> fixture = StreamFixture.inMemory();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void copyFromTakesEveryOption() {
		VStreamContainerOptions source = new VStreamContainerOptions();
		List<String> changed = setEveryOption(source);
		VStreamContainerOptions copy = new VStreamContainerOptions();

		copy.copyFrom(source);

		assertThat(changed).hasSizeGreaterThanOrEqualTo(11);
		assertSameOptions(copy, source);
	}

	@Test
	void aShardStreamTakesEveryOptionOfItsStream() {
		DefaultVStreamContainer container = this.fixture.container(
				StreamFixture.settings("commerce", StartPosition.CURRENT, Duration.ZERO),
				VStreamErrorHandler.stopStream());
		setEveryOption(container.getContainerOptions());

		DefaultVStreamContainer shard = this.fixture
			.track(container.forShard("default@commerce/0", "commerce", "0", new InMemoryOffsetRepository()));

		assertSameOptions(shard.getContainerOptions(), container.getContainerOptions());
		assertThat(shard.getContainerOptions()).isNotSameAs(container.getContainerOptions());
	}

	/** Set every writable option to a value other than its default; the names set. */
	private static List<String> setEveryOption(VStreamContainerOptions options) {
		BeanWrapper wrapper = PropertyAccessorFactory.forBeanPropertyAccess(options);
		VStreamContainerOptions defaults = new VStreamContainerOptions();
		BeanWrapper defaultsWrapper = PropertyAccessorFactory.forBeanPropertyAccess(defaults);
		List<String> names = new ArrayList<>();
		for (PropertyDescriptor property : wrapper.getPropertyDescriptors()) {
			if (property.getWriteMethod() == null) {
				continue;
			}
			String name = property.getName();
			Object value = otherThan(property.getPropertyType(), defaultsWrapper.getPropertyValue(name));
			wrapper.setPropertyValue(name, value);
			assertThat(wrapper.getPropertyValue(name)).as(name).isNotEqualTo(defaultsWrapper.getPropertyValue(name));
			names.add(name);
		}
		return names;
	}

	private static Object otherThan(Class<?> type, Object defaultValue) {
		if (type == boolean.class) {
			return !((Boolean) defaultValue);
		}
		if (type == Duration.class) {
			return ((Duration) defaultValue).plusMillis(1234);
		}
		if (type == CheckpointPolicy.class) {
			return new CheckpointPolicy(17, Duration.ofSeconds(3));
		}
		if (type == PlatformTransactionManager.class) {
			return new DataSourceTransactionManager();
		}
		if (type == TransactionDefinition.class) {
			DefaultTransactionDefinition definition = new DefaultTransactionDefinition();
			definition.setTimeout(7);
			return definition;
		}
		if (type == StreamRunMarker.class) {
			return new InMemoryRunMarker();
		}
		throw new AssertionError("No test value for an option of type " + type.getName()
				+ ": add one here, and make sure VStreamContainerOptions.copyFrom copies it");
	}

	private static void assertSameOptions(VStreamContainerOptions actual, VStreamContainerOptions expected) {
		BeanWrapper actualWrapper = PropertyAccessorFactory.forBeanPropertyAccess(actual);
		BeanWrapper expectedWrapper = PropertyAccessorFactory.forBeanPropertyAccess(expected);
		for (PropertyDescriptor property : expectedWrapper.getPropertyDescriptors()) {
			if (property.getWriteMethod() != null) {
				assertThat(actualWrapper.getPropertyValue(property.getName())).as(property.getName())
					.isEqualTo(expectedWrapper.getPropertyValue(property.getName()));
			}
		}
	}

}
