package dev.vstream.e2e;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test of {@code DefaultStoreApplication}: its {@link #apps} work in a directory of
 * each test's own, kept when the test fails (for their logs), and are stopped after each
 * test.
 */
abstract class WithDefaultStoreApps {

	@TempDir(cleanup = CleanupMode.ON_SUCCESS)
	Path workDir;

	DefaultStoreApps apps;

	@BeforeEach
	void setUpApps() {
		this.apps = new DefaultStoreApps(this.workDir);
	}

	@AfterEach
	void stopApps() {
		this.apps.close();
	}

}
