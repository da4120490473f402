package dev.vstream.cli;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RowFilterTests {

	private final Map<String, Object> row = row();

	@Test
	void comparesNumbersAsNumbersAndTextAsText() {
		assertThat(RowFilter.parse("customer_id=7").matches(this.row)).isTrue();
		assertThat(RowFilter.parse("customer_id = 7.0").matches(this.row)).isTrue();
		assertThat(RowFilter.parse("customer_id!=7").matches(this.row)).isFalse();
		assertThat(RowFilter.parse("customer_id<>8").matches(this.row)).isTrue();
		assertThat(RowFilter.parse("price>9").matches(this.row)).as("10.50 > 9 as numbers, not as text").isTrue();
		assertThat(RowFilter.parse("price<=10.5").matches(this.row)).isTrue();
		assertThat(RowFilter.parse("price<10.5").matches(this.row)).isFalse();
		assertThat(RowFilter.parse("sku='a-1'").matches(this.row)).isTrue();
		assertThat(RowFilter.parse("sku=\"a-1\"").matches(this.row)).isTrue();
		assertThat(RowFilter.parse("sku>='a'").matches(this.row)).isTrue();
		assertThat(RowFilter.parse("SKU='a-1'").matches(this.row)).as("column names ignore case").isTrue();
	}

	@Test
	void nullChecksAndAnd() {
		assertThat(RowFilter.parse("note is null").matches(this.row)).isTrue();
		assertThat(RowFilter.parse("note IS NOT NULL").matches(this.row)).isFalse();
		assertThat(RowFilter.parse("note=x").matches(this.row)).as("NULL matches no comparison").isFalse();
		assertThat(RowFilter.parse("customer_id=7 and price>10 AND sku is not null").matches(this.row)).isTrue();
		assertThat(RowFilter.parse("customer_id=7 and price>11").matches(this.row)).isFalse();
	}

	@Test
	void anUnknownColumnOrNoImageNeverMatches() {
		assertThat(RowFilter.parse("nosuch=1").matches(this.row)).isFalse();
		assertThat(RowFilter.parse("customer_id=7").matches(null)).isFalse();
		assertThat(RowFilter.ALL.matches(this.row)).isTrue();
		assertThat(RowFilter.parse(" ").matches(this.row)).isTrue();
	}

	@Test
	void refusesWhatItDoesNotSupport() {
		assertThatIllegalArgumentException().isThrownBy(() -> RowFilter.parse("a=1 or b=2"))
			.withMessageContaining("cannot read 'a=1 or b=2'")
			.withMessageContaining("col is not null");
		assertThatIllegalArgumentException().isThrownBy(() -> RowFilter.parse("price in (1,2)"));
		assertThatIllegalArgumentException().isThrownBy(() -> RowFilter.parse("price="));
	}

	private static Map<String, Object> row() {
		Map<String, Object> row = new HashMap<>();
		row.put("order_id", 1L);
		row.put("customer_id", 7L);
		row.put("sku", "a-1");
		row.put("price", new BigDecimal("10.50"));
		row.put("note", null);
		return row;
	}

}
