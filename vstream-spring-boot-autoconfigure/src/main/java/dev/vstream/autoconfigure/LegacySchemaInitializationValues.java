package dev.vstream.autoconfigure;

import java.util.Locale;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.sql.init.DatabaseInitializationMode;

/**
 * Keeps the boolean values of {@code vstream.jdbc.initialize-schema} and
 * {@code vstream.scaling.jdbc.initialize-schema} working now that they are a
 * {@link DatabaseInitializationMode}: {@code true} binds as {@code always}, {@code false}
 * as {@code never}, with a warning. Only these two properties: other initialization modes
 * of the application (Spring Batch's, Spring Session's) are bound as before.
 */
final class LegacySchemaInitializationValues implements ConfigurationPropertiesBindHandlerAdvisor {

	private static final Log logger = LogFactory.getLog(LegacySchemaInitializationValues.class);

	static final Set<ConfigurationPropertyName> PROPERTIES = Set.of(
			ConfigurationPropertyName.of("vstream.jdbc.initialize-schema"),
			ConfigurationPropertyName.of("vstream.scaling.jdbc.initialize-schema"));

	@Override
	public BindHandler apply(BindHandler bindHandler) {
		return new AbstractBindHandler(bindHandler) {

			@Override
			public @Nullable Object onFailure(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
					Exception error) throws Exception {
				DatabaseInitializationMode mode = legacyValue(name, context.getConfigurationProperty());
				return (mode != null) ? mode : super.onFailure(name, target, context, error);
			}

		};
	}

	static @Nullable DatabaseInitializationMode legacyValue(ConfigurationPropertyName name,
			@Nullable ConfigurationProperty property) {
		if (property == null || !PROPERTIES.contains(name)) {
			return null;
		}
		String value = String.valueOf(property.getValue()).trim().toLowerCase(Locale.ROOT);
		if (!value.equals("true") && !value.equals("false")) {
			return null;
		}
		DatabaseInitializationMode mode = value.equals("true") ? DatabaseInitializationMode.ALWAYS
				: DatabaseInitializationMode.NEVER;
		logger.warn(name + "=" + value + " is deprecated: use " + name + "=" + mode.name().toLowerCase(Locale.ROOT)
				+ " (always, embedded or never)");
		return mode;
	}

}
