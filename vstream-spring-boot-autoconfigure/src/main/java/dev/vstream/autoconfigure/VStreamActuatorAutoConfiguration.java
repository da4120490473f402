package dev.vstream.autoconfigure;

import java.util.Locale;

import dev.vstream.actuate.VStreamEndpoint;
import dev.vstream.actuate.VStreamHealthContributor;
import dev.vstream.actuate.VStreamWebEndpointExtension;
import dev.vstream.scaling.ScalingCoordinator;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamContainerRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Actuator support for streams: the {@code vstream} health contributor and the
 * {@code /actuator/vstream} endpoint with its web extension.
 */
@AutoConfiguration(after = VStreamAutoConfiguration.class)
@ConditionalOnBean(VStreamContainer.class)
public final class VStreamActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthContributor.class)
	@ConditionalOnEnabledHealthIndicator("vstream")
	static class Health {

		// Spring Boot's convention: a contributor is named after its bean, less the
		// HealthIndicator or HealthContributor suffix, so either name would be "vstream".
		@Bean
		@ConditionalOnMissingBean(name = { "vstreamHealthIndicator", "vstreamHealthContributor" })
		VStreamHealthContributor vstreamHealthContributor(VStreamContainerRegistry containers,
				VStreamProperties properties) {
			return new VStreamHealthContributor(containers::getContainers,
					properties.getHealth().getReconnectTimeout());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.SanitizingFunction")
	static class Sanitizing {

		/**
		 * Masks the vtgate password in /actuator/configprops and /actuator/env even when
		 * they show values ({@code show-values=always}): since Spring Boot 3, keys ending
		 * in "password" are no longer masked by default once values are shown. Also masks
		 * the JVM's command line ({@code sun.java.command}) when it passes the password
		 * as an argument ({@code --vstream.vtgate.password=...}).
		 */
		@Bean
		@ConditionalOnMissingBean(name = "vstreamCredentialSanitizer")
		SanitizingFunction vstreamCredentialSanitizer() {
			return SanitizingFunction.sanitizeValue()
				.ifMatches((data) -> isVtgatePassword(data) || isCommandLineWithVtgatePassword(data));
		}

		// Nested: the outer class must load without the actuator on the class path.
		static boolean isVtgatePassword(SanitizableData data) {
			String key = data.getLowerCaseKey();
			if (key.endsWith("vstream.vtgate.password") || key.endsWith("vstream_vtgate_password")) {
				return true;
			}
			// configprops hands keys relative to the bean's prefix: vstream's bean has
			// vtgate.password
			return key.equals("vtgate.password") || key.endsWith("].vtgate.password");
		}

		static boolean isCommandLineWithVtgatePassword(SanitizableData data) {
			return data.getLowerCaseKey().equals("sun.java.command") && data.getValue() != null
					&& data.getValue().toString().toLowerCase(Locale.ROOT).contains("vtgate.password=");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
	@ConditionalOnAvailableEndpoint(VStreamEndpoint.class)
	static class Endpoint {

		@Bean
		@ConditionalOnMissingBean
		VStreamEndpoint vstreamEndpoint(VStreamContainerRegistry containers,
				ObjectProvider<ScalingCoordinator> coordinators) {
			VStreamEndpoint endpoint = new VStreamEndpoint(containers::getContainers);
			endpoint.setScaling(() -> coordinators.orderedStream().map(ScalingCoordinator::status).toList());
			return endpoint;
		}

		@Bean
		@ConditionalOnMissingBean
		VStreamWebEndpointExtension vstreamWebEndpointExtension(VStreamEndpoint vstreamEndpoint) {
			return new VStreamWebEndpointExtension(vstreamEndpoint);
		}

	}

}
