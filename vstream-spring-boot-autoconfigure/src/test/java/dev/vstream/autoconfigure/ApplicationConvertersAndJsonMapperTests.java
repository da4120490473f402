package dev.vstream.autoconfigure;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.vstream.annotation.VStreamListener;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.grpc.ManagedChannel;
import io.vitess.proto.Query;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.convert.converter.Converter;

import static dev.vstream.test.vtgate.Events.begin;
import static dev.vstream.test.vtgate.Events.col;
import static dev.vstream.test.vtgate.Events.commit;
import static dev.vstream.test.vtgate.Events.field;
import static dev.vstream.test.vtgate.Events.insert;
import static dev.vstream.test.vtgate.Events.response;
import static dev.vstream.test.vtgate.Events.row;
import static dev.vstream.test.vtgate.Events.vgtid;
import static dev.vstream.test.vtgate.Events.vgtidEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The application's {@link Converter} beans and {@link JsonMapper} bean map the rows its
 * listeners receive.
 */
class ApplicationConvertersAndJsonMapperTests {

	private final ScriptedVtgate vtgate = new ScriptedVtgate();

	private final ApplicationContextRunner runner = AutoConfigurationContexts.withEmbeddedOffsets()
		.withPropertyValues("vstream.offset-store=memory", "vstream.verify-tables=false")
		.withBean("vstreamChannel", ManagedChannel.class, this.vtgate::channel)
		.withBean(Projection.class);

	@AfterEach
	void close() {
		this.vtgate.close();
	}

	@Test
	void theApplicationsConverterAndJsonMapperMapTheRow() {
		this.vtgate.thenSend(response(begin(),
				field("commerce", "0", "corder", col("order_id", Query.Type.INT64), col("sku", Query.Type.VARCHAR),
						col("address", Query.Type.JSON)),
				insert("commerce", "0", "corder",
						row(1, "apple-1", "{\"street_name\": \"Main Street\", \"city\": \"Springfield\"}")),
				vgtidEvent(vgtid("commerce", "0", "MySQL56/a:1-1")), commit()));
		this.runner.withBean(SkuConverter.class)
			.withBean(JsonMapper.class,
					() -> JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build())
			.run((context) -> {
				Projection projection = context.getBean(Projection.class);
				await().until(() -> projection.orders.size() == 1);
				// Without the converter, Spring's own String-to-Sku conversion (through
				// the
				// constructor) would keep the lower case; without the application's
				// JsonMapper, street_name would not reach streetName.
				assertThat(projection.orders.get(0))
					.isEqualTo(new Tagged(1, new Sku("APPLE-1"), new Address("Main Street", "Springfield")));
			});
	}

	record Sku(String code) {
	}

	record Address(String streetName, String city) {
	}

	record Tagged(long orderId, Sku sku, Address address) {
	}

	static class SkuConverter implements Converter<String, Sku> {

		@Override
		public Sku convert(String source) {
			return new Sku(source.toUpperCase(Locale.ROOT));
		}

	}

	static class Projection {

		final List<Tagged> orders = new CopyOnWriteArrayList<>();

		@VStreamListener(table = "corder")
		void on(Tagged order) {
			this.orders.add(order);
		}

	}

}
