package dev.vstream.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository's README.md, read by tests that keep its reference tables true. Surefire
 * runs tests in the module directory, so the README is one level up.
 */
public final class Readme {

	private final String text;

	private Readme(String text) {
		this.text = text;
	}

	/**
	 * Read the repository's README.md.
	 * @return the README
	 */
	public static Readme read() {
		Path path = Path.of("..", "README.md").toAbsolutePath().normalize();
		assertThat(path)
			.as("the repository's README.md, next to this module's directory (tests run in %s)",
					Path.of("").toAbsolutePath())
			.isRegularFile();
		try {
			return new Readme(Files.readString(path, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The text of a section: from its heading line to the next heading of any level.
	 * @param heading the heading line, such as {@code ### Meters}
	 * @return the section's text without its heading
	 */
	public String section(String heading) {
		List<String> lines = this.text.lines().toList();
		int start = lines.indexOf(heading);
		assertThat(start).as("heading '%s' in README.md", heading).isNotNegative();
		StringBuilder section = new StringBuilder();
		boolean fenced = false;
		for (String line : lines.subList(start + 1, lines.size())) {
			// '#' starts a comment, not a heading, inside a console example.
			if (line.startsWith("```")) {
				fenced = !fenced;
			}
			if (!fenced && line.startsWith("#")) {
				break;
			}
			section.append(line).append('\n');
		}
		return section.toString();
	}

	/**
	 * The rows of the first table of a section, without the header and separator lines.
	 * @param heading the section's heading line
	 * @param columns the expected header cells
	 * @return each row's cells, trimmed
	 */
	public List<List<String>> table(String heading, String... columns) {
		List<String> lines = section(heading).lines()
			.dropWhile((line) -> !line.startsWith("|"))
			.takeWhile((line) -> line.startsWith("|"))
			.toList();
		assertThat(lines).as("table of section '%s'", heading).hasSizeGreaterThan(2);
		assertThat(cells(lines.get(0))).as("header of the table of section '%s'", heading).containsExactly(columns);
		List<List<String>> rows = new ArrayList<>();
		for (String line : lines.subList(2, lines.size())) {
			List<String> cells = cells(line);
			assertThat(cells).as("cells of row %s", line).hasSize(columns.length);
			rows.add(cells);
		}
		return rows;
	}

	// A '|' inside a code span belongs to the cell (GitHub renders it so only when
	// escaped, but an unescaped one must not shift the columns here either).
	private static List<String> cells(String line) {
		List<String> cells = new ArrayList<>();
		StringBuilder cell = new StringBuilder();
		boolean code = false;
		for (int i = 1; i < line.length(); i++) {
			char c = line.charAt(i);
			if (c == '`') {
				code = !code;
			}
			if (c == '|' && !code && line.charAt(i - 1) != '\\') {
				cells.add(cell.toString().trim());
				cell.setLength(0);
			}
			else {
				cell.append(c);
			}
		}
		return cells;
	}

}
