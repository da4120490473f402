package dev.vstream.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "Testing your listeners" example is {@link OrderProjectionTests} as it is:
 * its imports and its class, indented with spaces.
 */
class ReadmeExampleTests {

	@Test
	void readmeShowsTheListenerTestAsItIs() throws IOException {
		String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
		String section = readme.substring(readme.indexOf("## Testing your listeners"));
		int start = section.indexOf("```java\n") + "```java\n".length();
		String example = section.substring(start, section.indexOf("\n```", start));
		String test = Files.readString(Path.of("src/test/java/dev/vstream/sample/OrderProjectionTests.java"),
				StandardCharsets.UTF_8);
		String imports = test.lines().filter((line) -> line.startsWith("import ")).collect(Collectors.joining("\n"));
		String body = test.substring(test.indexOf("@SpringBootTest")).replace("\t", "    ").stripTrailing();

		assertThat(example).isEqualTo(imports + "\n\n" + body);
	}

}
