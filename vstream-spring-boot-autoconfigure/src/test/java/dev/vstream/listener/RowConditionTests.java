package dev.vstream.listener;

import java.math.BigDecimal;
import java.time.LocalDateTime;

import binlogdata.Binlogdata.FieldEvent;
import dev.vstream.mapping.TableSchema;
import io.vitess.proto.Query;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Listener conditions: what vtgate's filter accepts is parsed and rendered back, anything
 * else is refused with the reason, and the client-side check decides as vtgate does.
 */
class RowConditionTests {

	private static final TableSchema CORDER = TableSchema.of(FieldEvent.newBuilder()
		.setTableName("corder")
		.addFields(field("order_id", Query.Type.INT64))
		.addFields(field("sku", Query.Type.VARCHAR))
		.addFields(field("price", Query.Type.DECIMAL))
		.addFields(field("created", Query.Type.DATETIME))
		.build());

	@Test
	void everyOperatorOfVtgatesFilterIsRenderedBack() {
		RowCondition condition = RowCondition.parse("price > 10 AND customer_id IN (1,2) and sku != 'a''b' "
				+ "and `note` is not null and x is null and y <> -3.5 and z between 1 and 5 "
				+ "and w not between 'a' and 'c' and v <= 2 and u >= 1 and t < 9 and s = 0 "
				+ "and in_keyrange(customer_id, 'hash', '-80')");
		assertThat(condition.sql()).isEqualTo("`price` > 10 and `customer_id` in (1, 2) and `sku` != 'a\\'b' "
				+ "and `note` is not null and `x` is null and `y` != -3.5 and `z` between 1 and 5 "
				+ "and `w` not between 'a' and 'c' and `v` <= 2 and `u` >= 1 and `t` < 9 and `s` = 0 "
				+ "and in_keyrange(customer_id, 'hash', '-80')");
		assertThat(condition.columns()).contains("price", "customer_id", "note").doesNotContain("hash");
		assertThat(RowCondition.parse(condition.sql())).isEqualTo(condition);
	}

	@Test
	void whatVtgateRefusesIsRefusedWithTheReason() {
		assertThatIllegalArgumentException().isThrownBy(() -> RowCondition.parse("a = 1 or b = 2"))
			.withMessageContaining("'or' is not supported");
		assertThatIllegalArgumentException().isThrownBy(() -> RowCondition.parse("a not in (1, 2)"))
			.withMessageContaining("'not in' is not supported");
		assertThatIllegalArgumentException().isThrownBy(() -> RowCondition.parse("a like 'x%'"))
			.withMessageContaining("operator 'like' is not supported");
		assertThatIllegalArgumentException().isThrownBy(() -> RowCondition.parse("t.a = 1"))
			.withMessageContaining("qualified column 't.a'");
		assertThatIllegalArgumentException().isThrownBy(() -> RowCondition.parse("a = b"))
			.withMessageContaining("'b' is not a literal");
		assertThatIllegalArgumentException().isThrownBy(() -> RowCondition.parse("(a = 1)"))
			.withMessageContaining("'(' before a term");
		assertThatIllegalArgumentException().isThrownBy(() -> RowCondition.parse("a = 'open"))
			.withMessageContaining("not closed");
		assertThatIllegalArgumentException().isThrownBy(() -> RowCondition.parse(" ")).withMessageContaining("empty");
	}

	@Test
	void aChangePassesWhenItsBeforeOrAfterImageMatchesAsInVtgate() {
		RowCondition condition = RowCondition.parse("price > 10 and sku in ('a', 'b')");
		Object[] cheap = { 1L, "a", new BigDecimal("5.00"), null };
		Object[] dear = { 1L, "a", new BigDecimal("10.50"), null };
		Object[] other = { 1L, "c", new BigDecimal("99"), null };
		assertThat(condition.matchesEither(CORDER, null, dear)).isTrue();
		assertThat(condition.matchesEither(CORDER, null, cheap)).isFalse();
		assertThat(condition.matchesEither(CORDER, dear, cheap)).isTrue();
		assertThat(condition.matchesEither(CORDER, cheap, null)).isFalse();
		assertThat(condition.matchesEither(CORDER, null, other)).isFalse();
	}

	@Test
	void nullMatchesOnlyIsNullAndDatesCompareAsMySqlWritesThem() {
		Object[] row = { 7L, null, new BigDecimal("3"), LocalDateTime.of(2024, 5, 1, 12, 0) };
		assertThat(RowCondition.parse("sku is null").matchesEither(CORDER, null, row)).isTrue();
		assertThat(RowCondition.parse("sku != 'x'").matchesEither(CORDER, null, row)).isFalse();
		assertThat(RowCondition.parse("price not between 4 and 9").matchesEither(CORDER, null, row)).isTrue();
		assertThat(RowCondition.parse("created >= '2024-05-01 12:00:00' and order_id = 7")
			.matchesEither(CORDER, null, row)).isTrue();
		assertThat(RowCondition.parse("created < '2024-05-01'").matchesEither(CORDER, null, row)).isFalse();
		// A column vtgate did not send cannot match.
		assertThat(RowCondition.parse("missing = 1").matchesEither(CORDER, null, row)).isFalse();
	}

	private static Query.Field field(String name, Query.Type type) {
		return Query.Field.newBuilder().setName(name).setType(type).build();
	}

}
