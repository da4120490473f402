package dev.vstream.architecture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layers point one way, as each package's {@code package-info.java} states: every
 * reference from one package of the starter to another (imports, qualified names, Javadoc
 * links) is one the rule allows, and the core packages know nothing of Spring Boot.
 */
class PackageLayeringTests {

	private static final Path SOURCES = Path.of("src/main/java/dev/vstream");

	/** What each package may use; anything else of the starter is a violation. */
	private static final Map<String, Set<String>> ALLOWED = Map.of("position", Set.of(), "mapping", Set.of("position"),
			"listener", Set.of("mapping", "position"), "offset", Set.of("position"), "stream",
			Set.of("listener", "mapping", "offset", "position"), "metrics",
			Set.of("stream", "listener", "mapping", "position"), "scaling", Set.of("stream", "offset", "position"),
			"actuate", Set.of("stream", "scaling", "listener", "position"), "annotation",
			Set.of("listener", "mapping", "position"), "autoconfigure", Set.of("actuate", "annotation", "listener",
					"mapping", "metrics", "offset", "position", "scaling", "stream"));

	/** The core, which must run without Spring Boot. */
	private static final Set<String> WITHOUT_SPRING_BOOT = Set.of("position", "mapping", "listener", "offset", "stream",
			"scaling");

	private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.vstream\\.([a-z]+)\\b");

	@Test
	void everyPackageIsCoveredByARule() throws IOException {
		try (Stream<Path> packages = Files.list(SOURCES)) {
			assertThat(packages.filter(Files::isDirectory).map((p) -> p.getFileName().toString()))
				.containsExactlyInAnyOrderElementsOf(ALLOWED.keySet());
		}
	}

	@Test
	void packagesReferenceOnlyWhatTheirRuleAllows() throws IOException {
		List<String> violations = new ArrayList<>();
		for (String pkg : ALLOWED.keySet()) {
			// Sub-packages (autoconfigure's service connections) are part of their
			// package.
			try (Stream<Path> files = Files.walk(SOURCES.resolve(pkg))) {
				for (Path file : files.filter((f) -> f.toString().endsWith(".java")).toList()) {
					Set<String> used = new TreeSet<>();
					Matcher matcher = REFERENCE.matcher(Files.readString(file));
					while (matcher.find()) {
						used.add(matcher.group(1));
					}
					used.remove(pkg);
					used.removeAll(ALLOWED.get(pkg));
					if (!used.isEmpty()) {
						violations.add(pkg + "/" + file.getFileName() + " uses " + used);
					}
					if (WITHOUT_SPRING_BOOT.contains(pkg)
							&& Files.readString(file).contains("org.springframework.boot")) {
						violations.add(pkg + "/" + file.getFileName() + " uses Spring Boot");
					}
				}
			}
		}
		assertThat(violations).isEmpty();
	}

}
