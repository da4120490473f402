package dev.vstream.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import dev.vstream.stream.VStreamException;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * {@code vstream-cli}: {@code java -jar vstream-cli.jar tail <keyspace>.
 *
<table>
 *  [options]} prints each change of a table as vtgate's {@code VSTREAM * FROM} does (see
 * {@code --help}). The stream is the starter's own: a non-web Spring Boot application
 * with the starter's auto-configuration and one listener registered programmatically, its
 * position kept in memory (nothing is saved). Lines go to standard output, logs (warnings
 * and errors) to standard error.
 */
public final class VStreamCli {

	private VStreamCli() {
	}

	/**
	 * Run the command line and exit with its code.
	 * @param args the arguments
	 */
	public static void main(String[] args) {
		System.exit(run(args, System.out, System.err));
	}

	/**
	 * Run the command line until the tail is done: {@code --limit} changes printed, the
	 * stream ended or failed.
	 * @param args the arguments
	 * @param out where changes are printed
	 * @param err where errors and usage are printed
	 * @return the exit code: 0 done, 1 the stream could not start or failed, 2 wrong
	 * arguments
	 */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		List<String> arguments = Arrays.asList(args);
		if (arguments.contains("--help") || arguments.contains("-h")) {
			out.print(TailOptions.USAGE);
			return 0;
		}
		if (arguments.isEmpty() || !arguments.get(0).equals("tail")) {
			err.println("vstream-cli: expected a command: tail");
			err.print(TailOptions.USAGE);
			return 2;
		}
		TailOptions options;
		try {
			options = TailOptions.parse(arguments.subList(1, arguments.size()));
		}
		catch (IllegalArgumentException ex) {
			err.println("vstream-cli: " + ex.getMessage() + " (see --help)");
			return 2;
		}
		return tail(options, out, err);
	}

	private static int tail(TailOptions options, PrintStream out, PrintStream err) {
		TailListener tail = new TailListener(options, new ChangePrinter(out, options.json()));
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.application.name", "vstream-cli");
		// Not the application.properties of the directory it runs in: an application's
		// settings are not the tail's. A vstream-cli.properties there is read.
		properties.put("spring.config.name", "vstream-cli");
		properties.put("spring.main.log-startup-info", "false");
		properties.put("logging.level.root", "warn");
		// The reason is printed below, without Spring Boot's stack trace.
		properties.put("logging.level.org.springframework.boot.SpringApplication", "off");
		properties.put("logging.level.org.springframework.context.annotation.AnnotationConfigApplicationContext",
				"error");
		// The arguments come first, before environment variables and system properties
		// (VSTREAM_KEYSPACE of an application's shell, say).
		MapPropertySource arguments = new MapPropertySource("vstream-cli arguments", options.streamProperties());
		ConfigurableApplicationContext context;
		try {
			context = new SpringApplicationBuilder(TailConfiguration.class).web(WebApplicationType.NONE)
				.bannerMode(Banner.Mode.OFF)
				.properties(properties)
				.initializers((ctx) -> {
					ctx.getEnvironment().getPropertySources().addFirst(arguments);
					ctx.getBeanFactory().registerSingleton("vstreamTail", tail);
				})
				.listeners(tail)
				.run();
		}
		catch (RuntimeException ex) {
			String reason = tail.failure();
			err.println("vstream-cli: " + ((reason != null) ? reason : reason(ex)));
			return 1;
		}
		try {
			int code = tail.exitCode().get();
			if (tail.failure() != null) {
				err.println("vstream-cli: " + tail.failure());
			}
			return code;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return 130;
		}
		catch (ExecutionException ex) {
			err.println("vstream-cli: " + reason(ex));
			return 1;
		}
		finally {
			context.close();
		}
	}

	/** The stream's own reason when there is one, otherwise the innermost message. */
	private static String reason(Throwable failure) {
		Throwable innermost = failure;
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof VStreamException) {
				return cause.getMessage();
			}
			innermost = cause;
		}
		return (innermost.getMessage() != null) ? innermost.getMessage() : innermost.toString();
	}

}
