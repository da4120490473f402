package dev.vstream.e2e;

import java.util.concurrent.TimeUnit;

import dev.vstream.stream.StreamState;
import dev.vstream.stream.VStreamContainer;

import org.springframework.boot.ApplicationRunner;

/**
 * Lets a test that runs an application in a child JVM wait for its stream: once the
 * stream is {@code STREAMING}, the application prints a line the test awaits in its log.
 */
public final class StreamingAnnouncer {

	private StreamingAnnouncer() {
	}

	/**
	 * A runner that prints a line once the stream is streaming.
	 * @param container the stream
	 * @param line the line to print
	 * @return the runner
	 */
	public static ApplicationRunner whenStreaming(VStreamContainer container, String line) {
		return (args) -> {
			Thread announcer = new Thread(() -> {
				while (container.getState() != StreamState.STREAMING) {
					try {
						TimeUnit.MILLISECONDS.sleep(20);
					}
					catch (InterruptedException ex) {
						return;
					}
				}
				System.out.println(line);
			});
			announcer.setDaemon(true);
			announcer.start();
		};
	}

}
