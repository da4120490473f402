package dev.vstream.mapping;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.AbstractList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.vitess.proto.Query.Type;
import org.junit.jupiter.api.Test;

import org.springframework.core.convert.ConversionFailedException;
import org.springframework.core.convert.ConverterNotFoundException;
import org.springframework.core.convert.support.DefaultConversionService;

import static dev.vstream.mapping.TestRows.field;
import static dev.vstream.mapping.TestRows.row;
import static dev.vstream.mapping.TestRows.schema;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link RowMapperFactory}.
 */
class RowMapperFactoryTests {

	private final RowMapperFactory factory = new RowMapperFactory(new DefaultConversionService());

	private final TableSchema orders = schema("commerce.orders", field("order_id", Type.INT64),
			field("customer_name", Type.VARCHAR), field("total", Type.DECIMAL), field("placed_at", Type.DATETIME),
			field("internal_flags", Type.INT32));

	private final Object[] order = this.orders
		.decode(row("42", "Zo\u00eb \u738b", "19.99", "2024-01-02 03:04:05", "7"));

	@Test
	void recordBySnakeToCamelNames() {
		Order mapped = this.factory.mapperFor(this.orders, Order.class).map(this.order);
		assertThat(mapped).isEqualTo(
				new Order(42L, "Zo\u00eb \u738b", new BigDecimal("19.99"), LocalDateTime.of(2024, 1, 2, 3, 4, 5)));
	}

	@Test
	void recordMatchesExactAndCaseInsensitiveNames() {
		TableSchema schema = schema("t", field("ID", Type.INT64), field("Customer_Name", Type.VARCHAR),
				field("customerName", Type.VARCHAR));
		Named mapped = this.factory.mapperFor(schema, Named.class).map(schema.decode(row("1", "upper", "exact")));
		// the exact column wins over the one that only matches ignoring case and
		// underscores
		assertThat(mapped).isEqualTo(new Named(1L, "exact"));
	}

	@Test
	void recordConvertsToPropertyTypes() {
		Converted mapped = this.factory.mapperFor(this.orders, Converted.class).map(this.order);
		assertThat(mapped.orderId()).isEqualTo(42);
		assertThat(mapped.total()).isEqualTo(19.99);
		assertThat(mapped.customerName()).isEqualTo("Zo\u00eb \u738b");
		assertThat(mapped.internalFlags()).isEqualTo("7");
	}

	@Test
	void recordMissingColumnsGetDefaults() {
		Sparse mapped = this.factory.mapperFor(this.orders, Sparse.class).map(this.order);
		assertThat(mapped).isEqualTo(new Sparse(42L, 0, false, 0.0, null));
	}

	@Test
	void recordOfEveryColumnInTableOrderTakesTheValuesAsTheyAre() {
		TableSchema schema = schema("t", field("id", Type.INT64), field("name", Type.VARCHAR),
				field("count", Type.INT32));
		RowMapper<InOrder> mapper = this.factory.mapperFor(schema, InOrder.class);
		Object[] values = schema.decode(row("7", "seven", "3"));
		assertThat(mapper.map(values)).isEqualTo(new InOrder(7L, "seven", 3));
		// SQL NULL of a primitive component still becomes its default, of a reference
		// null; the row's values stay as decoded
		Object[] nulls = schema.decode(row("8", null, null));
		assertThat(mapper.map(nulls)).isEqualTo(new InOrder(8L, null, 0));
		assertThat(nulls).containsExactly(8L, null, null);
	}

	@Test
	void sqlNullToPrimitiveIsDefault() {
		TableSchema schema = schema("t", field("order_id", Type.INT64), field("count", Type.INT32),
				field("active", Type.INT8));
		Sparse mapped = this.factory.mapperFor(schema, Sparse.class).map(schema.decode(row(null, null, null)));
		assertThat(mapped).isEqualTo(new Sparse(0L, 0, false, 0.0, null));
	}

	@Test
	void numberToBooleanAndBitToBoolean() {
		TableSchema schema = schema("t", field("active", Type.INT8), field("deleted", Type.BIT));
		Flags yes = this.factory.mapperFor(schema, Flags.class).map(schema.decode(row("1", new byte[] { 1 })));
		Flags no = this.factory.mapperFor(schema, Flags.class).map(schema.decode(row("0", new byte[] { 0 })));
		assertThat(yes).isEqualTo(new Flags(true, Boolean.TRUE));
		assertThat(no).isEqualTo(new Flags(false, Boolean.FALSE));
	}

	@Test
	void timestampAndTimeFallbacks() {
		TableSchema schema = schema("t", field("created", Type.TIMESTAMP), field("updated", Type.TIMESTAMP),
				field("opens", Type.TIME));
		Times mapped = this.factory.mapperFor(schema, Times.class)
			.map(schema.decode(row("2024-05-06 07:08:09.123", "2024-05-06 07:08:09", "09:30:00")));
		assertThat(mapped).isEqualTo(new Times(LocalDateTime.of(2024, 5, 6, 7, 8, 9, 123_000_000),
				OffsetDateTime.of(2024, 5, 6, 7, 8, 9, 0, ZoneOffset.UTC), LocalTime.of(9, 30)));
		assertThatExceptionOfType(RowMappingException.class)
			.isThrownBy(
					() -> this.factory.mapperFor(schema, Times.class).map(schema.decode(row(null, null, "25:00:00"))))
			.withMessageContaining("'opens'")
			.withMessageContaining("PT25H");
	}

	@Test
	void unsignedBigintToLong() {
		TableSchema schema = schema("t", field("id", Type.UINT64));
		assertThat(this.factory.mapperFor(schema, Id.class).map(schema.decode(row("9223372036854775807"))))
			.isEqualTo(new Id(Long.MAX_VALUE));
		assertThatExceptionOfType(RowMappingException.class)
			.isThrownBy(() -> this.factory.mapperFor(schema, Id.class).map(schema.decode(row("18446744073709551615"))))
			.withMessageContaining("'id'")
			.withMessageContaining("18446744073709551615");
	}

	@Test
	void conversionFailureNamesTableColumnPropertyAndValue() {
		TableSchema schema = schema("commerce.orders", field("order_id", Type.VARCHAR));
		String value = "not-a-number-" + "x".repeat(200);
		assertThatExceptionOfType(RowMappingException.class)
			.isThrownBy(() -> this.factory.mapperFor(schema, Sparse.class).map(schema.decode(row(value))))
			.withMessageContaining("table 'orders'")
			.withMessageContaining("column 'order_id'")
			.withMessageContaining("property 'orderId'")
			.withMessageContaining(Sparse.class.getName())
			.withMessageContaining("'not-a-number-xxx")
			.withMessageNotContaining("x".repeat(100))
			.withCauseInstanceOf(ConversionFailedException.class);
	}

	@Test
	void missingConverterNamesTheValueToo() {
		TableSchema schema = schema("orders", field("placed", Type.DATE));
		assertThatExceptionOfType(RowMappingException.class)
			.isThrownBy(() -> this.factory.mapperFor(schema, Unconvertible.class).map(schema.decode(row("2024-01-02"))))
			.withMessageContaining("column 'placed'")
			.withMessageContaining("property 'placed'")
			.withMessageContaining("2024-01-02")
			.withCauseInstanceOf(ConverterNotFoundException.class);
	}

	@Test
	void recordConstructorFailureNamesTypeAndTable() {
		TableSchema schema = schema("ks.orders", field("total", Type.DECIMAL));
		assertThatExceptionOfType(RowMappingException.class)
			.isThrownBy(() -> this.factory.mapperFor(schema, Positive.class).map(schema.decode(row("-1.00"))))
			.withMessageContaining(Positive.class.getName())
			.withMessageContaining("'orders'")
			.withCauseInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void beanThroughSetters() {
		OrderBean bean = this.factory.mapperFor(this.orders, OrderBean.class).map(this.order);
		assertThat(bean.getOrderId()).isEqualTo(42L);
		assertThat(bean.getCustomerName()).isEqualTo("Zo\u00eb \u738b");
		assertThat(bean.getTotal()).isEqualTo(19.99);
		assertThat(bean.getPlacedAt()).isEqualTo(LocalDateTime.of(2024, 1, 2, 3, 4, 5));
		// no column: the setter is not called and the initializer stays
		assertThat(bean.getStatus()).isEqualTo("new");
		assertThat(bean.getMissing()).isZero();
	}

	@Test
	void beanSqlNullSetsNull() {
		OrderBean bean = this.factory.mapperFor(this.orders, OrderBean.class)
			.map(this.orders.decode(row("1", null, null, null, null)));
		assertThat(bean.getCustomerName()).isNull();
		assertThat(bean.getTotal()).isZero();
		assertThat(bean.getPlacedAt()).isNull();
	}

	@Test
	void beanConversionFailureNamesProperty() {
		TableSchema schema = schema("orders", field("total", Type.VARCHAR));
		assertThatExceptionOfType(RowMappingException.class)
			.isThrownBy(() -> this.factory.mapperFor(schema, OrderBean.class).map(schema.decode(row("lots"))))
			.withMessageContaining("property 'total'")
			.withMessageContaining("'lots'");
	}

	@Test
	void mapInColumnOrder() {
		@SuppressWarnings("unchecked")
		Map<String, Object> map = this.factory.mapperFor(this.orders, Map.class).map(this.order);
		assertThat(map).isInstanceOf(LinkedHashMap.class);
		assertThat(map.keySet()).containsExactly("order_id", "customer_name", "total", "placed_at", "internal_flags");
		assertThat(map.get("order_id")).isEqualTo(42L);
		assertThat(map.get("total")).isEqualTo(new BigDecimal("19.99"));
	}

	@Test
	void mapKeepsNulls() {
		@SuppressWarnings("unchecked")
		Map<String, Object> map = this.factory.mapperFor(this.orders, HashMap.class)
			.map(this.orders.decode(row("1", null, null, null, null)));
		assertThat(map).hasSize(5).containsEntry("customer_name", null);
	}

	@Test
	void rowOfOtherWidthIsAnError() {
		assertThatExceptionOfType(RowMappingException.class)
			.isThrownBy(() -> this.factory.mapperFor(this.orders, Map.class).map(new Object[] { 1L }))
			.withMessageContaining("'orders'");
		assertThatExceptionOfType(RowMappingException.class)
			.isThrownBy(() -> this.factory.mapperFor(this.orders, Order.class).map(new Object[] { 1L }));
	}

	@Test
	void cachedPerSchemaAndType() {
		RowMapper<Order> mapper = this.factory.mapperFor(this.orders, Order.class);
		assertThat(this.factory.mapperFor(this.orders, Order.class)).isSameAs(mapper);
		assertThat(this.factory.mapperFor(this.orders, OrderBean.class)).isNotSameAs(mapper);
		TableSchema other = schema("commerce.orders", field("order_id", Type.VARCHAR));
		assertThat(this.factory.mapperFor(other, Order.class)).isNotSameAs(mapper);
	}

	@Test
	void fieldEventSentAgainSharesTheMapper() {
		TableSchema again = schema("other_ks.orders", field("order_id", Type.INT64),
				field("customer_name", Type.VARCHAR), field("total", Type.DECIMAL), field("placed_at", Type.DATETIME),
				field("internal_flags", Type.INT32));
		assertThat(again).isNotSameAs(this.orders);
		assertThat(this.factory.mapperFor(again, Order.class))
			.isSameAs(this.factory.mapperFor(this.orders, Order.class));
	}

	@Test
	void validTargetTypes() {
		assertThatNoException().isThrownBy(() -> {
			this.factory.validateTargetType(Order.class);
			this.factory.validateTargetType(OrderBean.class);
			this.factory.validateTargetType(Map.class);
			this.factory.validateTargetType(HashMap.class);
			this.factory.validateTargetType(LinkedHashMap.class);
		});
	}

	@Test
	void invalidTargetTypes() {
		assertInvalid(List.class, "interface");
		assertInvalid(TreeMap.class, "LinkedHashMap");
		assertInvalid(AbstractList.class, "abstract");
		assertInvalid(int.class, "primitive");
		assertInvalid(Order[].class, "array");
		assertInvalid(Type.class, "enum");
		assertInvalid(NoDefaultConstructor.class, "no-arg constructor");
		assertInvalid(Inner.class, "inner class");
		assertInvalid(Object.class, "no setters");
		assertInvalid(String.class, "no setters");
	}

	@Test
	void mapperForRejectsInvalidTargetType() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.factory.mapperFor(this.orders, NoDefaultConstructor.class))
			.withMessageContaining(NoDefaultConstructor.class.getName());
	}

	private void assertInvalid(Class<?> type, String reason) {
		assertThatExceptionOfType(IllegalArgumentException.class).as(type.getName())
			.isThrownBy(() -> this.factory.validateTargetType(type))
			.withMessageContaining(type.getName())
			.withMessageContaining(reason);
	}

	record Order(long orderId, String customerName, BigDecimal total, LocalDateTime placedAt) {
	}

	record Named(Long id, String customerName) {
	}

	record Converted(int orderId, double total, String customerName, String internalFlags) {
	}

	record Sparse(long orderId, int count, boolean active, double ratio, String comment) {
	}

	record Flags(boolean active, Boolean deleted) {
	}

	record Times(LocalDateTime created, OffsetDateTime updated, LocalTime opens) {
	}

	record InOrder(long id, String name, int count) {
	}

	record Id(long id) {
	}

	record Unconvertible(Instant placed) {
	}

	record Positive(BigDecimal total) {

		Positive {
			if (total.signum() < 0) {
				throw new IllegalArgumentException("total must not be negative");
			}
		}

	}

	static class OrderBean {

		private long orderId;

		private String customerName;

		private double total;

		private LocalDateTime placedAt;

		private String status = "new";

		private int missing;

		public long getOrderId() {
			return this.orderId;
		}

		public void setOrderId(long orderId) {
			this.orderId = orderId;
		}

		public String getCustomerName() {
			return this.customerName;
		}

		public void setCustomerName(String customerName) {
			this.customerName = customerName;
		}

		public double getTotal() {
			return this.total;
		}

		public void setTotal(double total) {
			this.total = total;
		}

		public LocalDateTime getPlacedAt() {
			return this.placedAt;
		}

		public void setPlacedAt(LocalDateTime placedAt) {
			this.placedAt = placedAt;
		}

		public String getStatus() {
			return this.status;
		}

		public void setStatus(String status) {
			this.status = status;
		}

		public int getMissing() {
			return this.missing;
		}

		public void setMissing(int missing) {
			this.missing = missing;
		}

	}

	static class NoDefaultConstructor {

		NoDefaultConstructor(String name) {
		}

		public void setName(String name) {
		}

	}

	class Inner {

		public void setName(String name) {
		}

	}

}
