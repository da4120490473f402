package dev.vstream.cli;

import dev.vstream.autoconfigure.VStreamContainerCustomizer;
import dev.vstream.listener.VStreamListenerEndpointRegistry;
import dev.vstream.mapping.RowMapperFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The application context of a tail: the starter's auto-configuration (channel,
 * container, start-up checks) and the {@link TailListener} registered with its registry
 * before the container starts.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
class TailConfiguration {

	@Bean
	SmartInitializingSingleton vstreamTailRegistration(VStreamListenerEndpointRegistry registry,
			RowMapperFactory mappers, TailListener tail) {
		return () -> tail.register(registry, mappers);
	}

	@Bean
	VStreamContainerCustomizer vstreamTailMonitor(TailListener tail) {
		return (container) -> container.setMonitor(tail);
	}

}
