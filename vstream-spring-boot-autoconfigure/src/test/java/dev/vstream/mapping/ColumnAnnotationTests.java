package dev.vstream.mapping;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;

import io.vitess.proto.Query.Type;
import org.junit.jupiter.api.Test;

import org.springframework.core.convert.support.DefaultConversionService;

import static dev.vstream.mapping.TestRows.field;
import static dev.vstream.mapping.TestRows.row;
import static dev.vstream.mapping.TestRows.schema;
import static org.assertj.core.api.Assertions.assertThat;

class ColumnAnnotationTests {

	private final RowMapperFactory factory = new RowMapperFactory(new DefaultConversionService());

	private final TableSchema schema = schema("corder", field("order_id", Type.INT64), field("SKU", Type.VARCHAR),
			field("price", Type.DECIMAL));

	private final Object[] values = this.schema.decode(row("1", "apple", "2.50"));

	public record Renamed(@Column("order_id") long id, @Column("sku") String productCode, @Column("nope") String gone,
			BigDecimal price) {
	}

	@Test
	void recordComponentsTakeTheNamedColumnIgnoringCase() {
		Renamed renamed = this.factory.mapperFor(this.schema, Renamed.class).map(this.values);
		assertThat(renamed).isEqualTo(new Renamed(1, "apple", null, new BigDecimal("2.50")));
	}

	public static class Bean {

		@Column("order_id")
		private long id;

		private String code = "unset";

		private BigDecimal amount;

		public long getId() {
			return this.id;
		}

		public void setId(long id) {
			this.id = id;
		}

		@Column("sku")
		public String getCode() {
			return this.code;
		}

		public void setCode(String code) {
			this.code = code;
		}

		public BigDecimal getAmount() {
			return this.amount;
		}

		@Column("price")
		public void setAmount(BigDecimal amount) {
			this.amount = amount;
		}

	}

	@Test
	void beanPropertiesTakeTheColumnNamedOnFieldGetterOrSetter() {
		Bean bean = this.factory.mapperFor(this.schema, Bean.class).map(this.values);
		assertThat(bean.getId()).isEqualTo(1);
		assertThat(bean.getCode()).isEqualTo("apple");
		assertThat(bean.getAmount()).isEqualByComparingTo("2.50");
	}

	@Test
	void absentColumnsOfAPartialImageAreLeftOutOfMapsAndNotSetOnBeans() {
		Object[] partial = this.schema.decode(row("1", null, "2.50"));
		Bean bean = this.factory.mapperFor(this.schema, Bean.class).map(partial, Set.of("SKU"));
		assertThat(bean.getCode()).as("setter not called").isEqualTo("unset");
		assertThat(bean.getAmount()).isEqualByComparingTo("2.50");
		Map<String, Object> map = this.factory.mapperFor(this.schema, Map.class).map(partial, Set.of("SKU"));
		assertThat(map).containsOnlyKeys("order_id", "price");
		Map<String, Object> full = this.factory.mapperFor(this.schema, Map.class).map(partial);
		assertThat(full).containsEntry("SKU", null).hasSize(3);
	}

}
