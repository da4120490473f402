package dev.vstream.mapping;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the column a record component or JavaBean property is mapped from, instead of the
 * default match ({@code order_id} for {@code orderId}). On a JavaBean, annotate the
 * field, the setter or the getter.
 *
 * <pre class="code">
 * record Order(&#64;Column("sku") String productCode, BigDecimal price) {}
 * </pre>
 *
 * A named column the table does not have leaves the property {@code null} (or its
 * default), as for any missing column.
 */
@Target({ ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Column {

	/**
	 * The column name, matched exactly first, then ignoring case.
	 * @return the column name
	 */
	String value();

}
