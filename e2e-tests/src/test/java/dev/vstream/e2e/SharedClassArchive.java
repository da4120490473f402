package dev.vstream.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Class-data sharing for the children that {@link ChildJvm.Launcher} starts with the test
 * class path: the first of them writes the classes it loaded into an archive when it
 * exits ({@code -XX:ArchiveClassesAtExit}), and every child started after that maps them
 * from the archive ({@code -XX:SharedArchiveFile}) instead of reading, parsing and
 * verifying them again, which halves a Spring Boot child's start-up (about 7 s to 3.5 s
 * to streaming on a loaded 2-core machine; the e2e suite starts some 35 such children).
 * The children run the same classes either way; only how they are loaded changes.
 * <p>
 * JDK 17 archives classes from jars only, so the children's class path is this JVM's with
 * each directory (the test classes) packed into a jar under {@code target/child-jvm}. A
 * child stopped with SIGKILL writes no archive (nor does one still running): the next
 * child started then writes it instead.
 */
final class SharedClassArchive {

	private static final Path DIRECTORY = Path.of("target", "child-jvm");

	private static final Path ARCHIVE = DIRECTORY.resolve("classes.jsa");

	/** The exit code of a JVM stopped with SIGKILL (128 + 9): it wrote no archive. */
	private static final int KILLED = 137;

	/** Children that may try to write the archive, should each of them fail to. */
	private static final int ATTEMPTS = 5;

	private static String classPath;

	private static Process writer;

	private static int attempts;

	private static boolean ready;

	private SharedClassArchive() {
	}

	/**
	 * Start a child with the test class path (its directories as jars) and the archive's
	 * options.
	 * @param jvmOptions the child's other JVM options
	 * @param mainClass its main class
	 * @param args its arguments
	 * @param starter starts the process of a command
	 * @return the started process
	 */
	static synchronized Process start(List<String> jvmOptions, String mainClass, List<String> args, Starter starter)
			throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		boolean writes = false;
		if (isReady()) {
			command.add("-XX:SharedArchiveFile=" + ARCHIVE.toAbsolutePath());
		}
		else if (writer == null && attempts < ATTEMPTS) {
			command.add("-XX:ArchiveClassesAtExit=" + ARCHIVE.toAbsolutePath());
			writes = true;
		}
		// Which classes could not be archived (generated accessors, JFR events): not the
		// test's concern.
		command.add("-Xlog:cds=off,cds+dynamic=off");
		command.addAll(List.of("-cp", classPath(), mainClass));
		command.addAll(args);
		Process process = starter.start(command);
		if (writes) {
			writer = process;
			attempts++;
		}
		return process;
	}

	/**
	 * Whether the archive is complete: its writer has exited other than by SIGKILL (the
	 * JVM writes it on its way out) and the file is there. A writer that wrote nothing
	 * lets the next child try.
	 */
	private static boolean isReady() {
		if (!ready && writer != null && !writer.isAlive()) {
			ready = writer.exitValue() != KILLED && Files.isRegularFile(ARCHIVE);
			writer = null;
		}
		return ready;
	}

	private static String classPath() throws IOException {
		if (classPath == null) {
			if (Files.isDirectory(DIRECTORY)) {
				try (Stream<Path> old = Files.list(DIRECTORY)) {
					for (Path file : old.toList()) {
						Files.delete(file);
					}
				}
			}
			Files.createDirectories(DIRECTORY);
			List<String> entries = new ArrayList<>();
			for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
				Path path = Path.of(entry);
				if (Files.isDirectory(path)) {
					Path jar = DIRECTORY.resolve(entries.size() + "-" + path.getFileName() + ".jar");
					if (pack(path, jar)) {
						entries.add(jar.toAbsolutePath().toString());
					}
				}
				else if (Files.isRegularFile(path)) {
					entries.add(entry);
				}
			}
			classPath = String.join(File.pathSeparator, entries);
		}
		return classPath;
	}

	/**
	 * Pack a directory of classes into a jar, with entries for the directories too (which
	 * Spring's class path scanning looks up).
	 * @return false if the directory holds nothing
	 */
	private static boolean pack(Path directory, Path jar) throws IOException {
		List<Path> paths;
		try (Stream<Path> walk = Files.walk(directory)) {
			paths = walk.filter((path) -> !path.equals(directory)).sorted(Comparator.naturalOrder()).toList();
		}
		if (paths.isEmpty()) {
			return false;
		}
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
			for (Path path : paths) {
				String name = directory.relativize(path).toString().replace(File.separatorChar, '/');
				boolean isDirectory = Files.isDirectory(path);
				out.putNextEntry(new JarEntry(isDirectory ? name + "/" : name));
				if (!isDirectory) {
					Files.copy(path, out);
				}
				out.closeEntry();
			}
		}
		return true;
	}

	/** Starts the process of a command. */
	@FunctionalInterface
	interface Starter {

		Process start(List<String> command) throws IOException;

	}

}
