package dev.vstream.benchmarks.stream.starter;

import java.util.concurrent.TimeUnit;

import dev.vstream.stream.VStreamMonitor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Consumer {@code starter-observed} (Actuator on the classpath): says in the child's log
 * which registry and monitor the application got, and every five seconds how many
 * listener calls the {@code vstream.listener} observation's timer and the
 * {@code vstream.changes.dispatched} timer counted, so that a run shows the
 * instrumentation was really on. Absent from the other consumers, whose classpath has no
 * Micrometer registry.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
class ObservedCheck {

	@Bean
	ApplicationRunner observedCheckRunner(ObjectProvider<MeterRegistry> registry,
			ObjectProvider<VStreamMonitor> monitor) {
		return (args) -> {
			MeterRegistry meters = registry.getIfUnique();
			System.out.println("observed: registry=" + ((meters != null) ? meters.getClass().getName() : null)
					+ " monitor=" + monitor.stream().map((m) -> m.getClass().getName()).toList());
			if (meters == null) {
				return;
			}
			Thread thread = new Thread(() -> report(meters), "observed-check");
			thread.setDaemon(true);
			thread.start();
		};
	}

	private static void report(MeterRegistry meters) {
		while (true) {
			try {
				TimeUnit.SECONDS.sleep(5);
			}
			catch (InterruptedException ex) {
				return;
			}
			System.out.println("observed: vstream.listener count=" + count(meters, "vstream.listener")
					+ " vstream.changes.dispatched count=" + count(meters, "vstream.changes.dispatched"));
		}
	}

	private static long count(MeterRegistry meters, String name) {
		return meters.find(name).timers().stream().mapToLong(Timer::count).sum();
	}

}
