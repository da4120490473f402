package dev.vstream.mapping;

import java.util.function.Function;

import io.vitess.proto.Query;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.BeanUtils;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;

/**
 * Chooses, once per (column, property), how a decoded value becomes the property's type:
 * as it is when it fits; JSON text read by Jackson into a {@link JsonNode}; the
 * {@link ConversionService} when it can convert (so that applications' converters win);
 * the {@link FallbackConversions}; a JSON column, or a text column the conversion service
 * cannot convert, read by Jackson into the property's (generic) type.
 */
final class Conversions {

	private final ConversionService conversionService;

	private final JsonMapper jsonMapper;

	Conversions(ConversionService conversionService, JsonMapper jsonMapper) {
		this.conversionService = conversionService;
		this.jsonMapper = jsonMapper;
	}

	/**
	 * @return the conversion, {@code null} when the value fits as it is
	 */
	@Nullable Function<Object, @Nullable Object> find(TableSchema.Column column, TypeDescriptor targetType) {
		Class<?> target = targetType.getObjectType();
		Class<?> source = column.javaType();
		if (target.isAssignableFrom(source)) {
			return null;
		}
		if (source == String.class && JsonNode.class.isAssignableFrom(target)) {
			return json(targetType);
		}
		TypeDescriptor sourceType = TypeDescriptor.valueOf(source);
		boolean jsonColumn = column.type() == Query.Type.JSON;
		if (!jsonColumn && this.conversionService.canConvert(sourceType, targetType)) {
			return (value) -> this.conversionService.convert(value, sourceType, targetType);
		}
		Function<Object, @Nullable Object> fallback = FallbackConversions.find(source, target);
		if (fallback != null) {
			return fallback;
		}
		// MariaDB stores JSON as LONGTEXT, so a text column that nothing else converts is
		// read as JSON too
		if (source == String.class && (jsonColumn || !isSimple(target))) {
			return json(targetType);
		}
		// Also when it cannot convert: the failure names the value, and NULLs still map
		return (value) -> this.conversionService.convert(value, sourceType, targetType);
	}

	private Function<Object, @Nullable Object> json(TypeDescriptor targetType) {
		JavaType javaType = this.jsonMapper.getTypeFactory().constructType(targetType.getResolvableType().getType());
		return (value) -> this.jsonMapper.readValue((String) value, javaType);
	}

	private static boolean isSimple(Class<?> type) {
		return BeanUtils.isSimpleValueType(type) || type.isArray();
	}

}
