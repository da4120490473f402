package dev.vstream.benchmarks;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import binlogdata.Binlogdata.FieldEvent;
import com.google.protobuf.ByteString;
import dev.vstream.mapping.RowMapper;
import dev.vstream.mapping.RowMapperFactory;
import dev.vstream.mapping.TableSchema;
import io.vitess.proto.Query;
import io.vitess.proto.Query.Type;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.boot.convert.ApplicationConversionService;

/**
 * Decoding one 10-column row of vtgate (text encoding) and mapping it to a record, a
 * JavaBean and a {@code Map}, as the stream does for each row: the schema and the mappers
 * are built once, per (table, FIELD event, target type), in the set-up.
 *
 * <pre>
 * mvn -q -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar MappingBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MappingBenchmark {

	/** The row type a listener would declare, with the starter's own type per column. */
	public record Order(long orderId, long customerId, String sku, BigDecimal price, int quantity,
			LocalDateTime createdAt, Instant updatedAt, LocalDate shipDate, String status, BigInteger externalId) {
	}

	/** The same columns as a JavaBean. */
	public static class OrderBean {

		private long orderId;

		private long customerId;

		private String sku;

		private BigDecimal price;

		private int quantity;

		private LocalDateTime createdAt;

		private Instant updatedAt;

		private LocalDate shipDate;

		private String status;

		private BigInteger externalId;

		public void setOrderId(long orderId) {
			this.orderId = orderId;
		}

		public void setCustomerId(long customerId) {
			this.customerId = customerId;
		}

		public void setSku(String sku) {
			this.sku = sku;
		}

		public void setPrice(BigDecimal price) {
			this.price = price;
		}

		public void setQuantity(int quantity) {
			this.quantity = quantity;
		}

		public void setCreatedAt(LocalDateTime createdAt) {
			this.createdAt = createdAt;
		}

		public void setUpdatedAt(Instant updatedAt) {
			this.updatedAt = updatedAt;
		}

		public void setShipDate(LocalDate shipDate) {
			this.shipDate = shipDate;
		}

		public void setStatus(String status) {
			this.status = status;
		}

		public void setExternalId(BigInteger externalId) {
			this.externalId = externalId;
		}

		public long getOrderId() {
			return this.orderId;
		}

	}

	private Query.Row row;

	private TableSchema schema;

	private RowMapper<Order> recordMapper;

	private RowMapper<OrderBean> beanMapper;

	@SuppressWarnings("rawtypes")
	private RowMapper<Map> mapMapper;

	@Setup
	public void setUp() {
		FieldEvent fields = FieldEvent.newBuilder()
			.setTableName("commerce.corder")
			.setEnumSetStringValues(true)
			.addAllFields(List.of(field("order_id", Type.INT64), field("customer_id", Type.INT64),
					field("sku", Type.VARCHAR), field("price", Type.DECIMAL), field("quantity", Type.INT32),
					field("created_at", Type.DATETIME), field("updated_at", Type.TIMESTAMP),
					field("ship_date", Type.DATE), field("status", Type.ENUM), field("external_id", Type.UINT64)))
			.build();
		this.schema = TableSchema.of(fields);
		this.row = row("1234567", "42", "SKU-123-😀", "1234.56", "3", "2024-01-02 03:04:05.123456",
				"2024-01-02 03:04:05", "2024-02-29", "shipped", "18446744073709551615");
		RowMapperFactory factory = new RowMapperFactory(new ApplicationConversionService());
		this.recordMapper = factory.mapperFor(this.schema, Order.class);
		this.beanMapper = factory.mapperFor(this.schema, OrderBean.class);
		this.mapMapper = factory.mapperFor(this.schema, Map.class);
	}

	@Benchmark
	public Object[] decodeOnly() {
		return this.schema.decode(this.row);
	}

	@Benchmark
	public Order decodeAndMapToRecord() {
		return this.recordMapper.map(this.schema.decode(this.row));
	}

	@Benchmark
	public OrderBean decodeAndMapToBean() {
		return this.beanMapper.map(this.schema.decode(this.row));
	}

	@Benchmark
	@SuppressWarnings("rawtypes")
	public Map decodeAndMapToMap() {
		return this.mapMapper.map(this.schema.decode(this.row));
	}

	private static Query.Field field(String name, Type type) {
		return Query.Field.newBuilder().setName(name).setType(type).build();
	}

	private static Query.Row row(String... values) {
		Query.Row.Builder row = Query.Row.newBuilder();
		StringBuilder text = new StringBuilder();
		for (String value : values) {
			row.addLengths(value.getBytes(StandardCharsets.UTF_8).length);
			text.append(value);
		}
		return row.setValues(ByteString.copyFromUtf8(text.toString())).build();
	}

}
