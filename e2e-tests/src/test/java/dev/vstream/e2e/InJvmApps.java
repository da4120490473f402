package dev.vstream.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts test applications in this JVM against the local vtgate, with the
 * {@code vstream.*} settings every end-to-end test shares, and closes them all on
 * {@link #close()}.
 */
public final class InJvmApps implements AutoCloseable {

	private final Class<?> application;

	private final List<ApplicationContextInitializer<ConfigurableApplicationContext>> initializers = new ArrayList<>();

	private final List<ConfigurableApplicationContext> started = new ArrayList<>();

	private Supplier<String> vtgateAddress = LocalVitess::grpcAddress;

	/**
	 * Apps of one application class.
	 * @param application the {@code @SpringBootApplication} class
	 */
	public InJvmApps(Class<?> application) {
		this.application = application;
	}

	/**
	 * Stream from another vtgate than the local one of {@code scripts/vitess/} (for
	 * example the multi-process cluster's, {@link RealCluster}).
	 * @param address the vtgate's gRPC address, {@code host:port}
	 * @return these apps
	 */
	public InJvmApps vtgate(String address) {
		this.vtgateAddress = () -> address;
		return this;
	}

	/**
	 * Initialize every app's context (for example to register a bean) before it is
	 * refreshed.
	 * @param initializer the initializer
	 * @return these apps
	 */
	public InJvmApps initializer(ApplicationContextInitializer<ConfigurableApplicationContext> initializer) {
		this.initializers.add(initializer);
		return this;
	}

	/**
	 * Start an app on the local vtgate, keyspace {@code commerce}, heartbeats every
	 * second.
	 * @param streamId the stream id ({@code vstream.id})
	 * @param properties more properties; one that sets a common property again wins
	 * @return the running app
	 */
	public ConfigurableApplicationContext start(String streamId, String... properties) {
		return start(streamId, List.of(properties));
	}

	/**
	 * Start an app on the local vtgate, keyspace {@code commerce}, heartbeats every
	 * second.
	 * @param streamId the stream id ({@code vstream.id})
	 * @param properties more properties; one that sets a common property again wins
	 * @return the running app
	 */
	public ConfigurableApplicationContext start(String streamId, List<String> properties) {
		List<String> all = new ArrayList<>(
				List.of("vstream.vtgate.address=" + this.vtgateAddress.get(), "vstream.id=" + streamId,
						"vstream.keyspace=commerce", "vstream.heartbeat-interval=1s", "spring.main.banner-mode=off"));
		// SpringApplicationBuilder keeps the last value of a key: the test's own
		// properties win.
		all.addAll(properties);
		SpringApplicationBuilder builder = new SpringApplicationBuilder(this.application).web(WebApplicationType.NONE)
			.properties(all.toArray(String[]::new));
		this.initializers.forEach(builder::initializers);
		ConfigurableApplicationContext app = builder.run();
		this.started.add(app);
		return app;
	}

	/** Close every app started, in the order they were started. */
	@Override
	public void close() {
		this.started.forEach(ConfigurableApplicationContext::close);
	}

}
