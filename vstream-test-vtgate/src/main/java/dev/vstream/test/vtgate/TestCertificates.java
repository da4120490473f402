package dev.vstream.test.vtgate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for TLS tests, generated at run time with the JDK's {@code keytool}
 * (nothing is committed): a CA, and certificates it signs, written as PEM files.
 */
public final class TestCertificates {

	private static final String PASSWORD = "changeit";

	private final Path directory;

	private final String caName;

	/**
	 * Create a CA in a directory.
	 * @param directory where the files go
	 * @param caName the CA's name; also the prefix of its files
	 */
	public TestCertificates(Path directory, String caName) {
		this.directory = directory;
		this.caName = caName;
		keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + caName,
				"-ext", "bc:c", "-validity", "2", "-keystore", store(caName).toString());
		keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", store(caName).toString(), "-file",
				caCertificate().toString());
	}

	/**
	 * @return the CA certificate, PEM
	 */
	public Path caCertificate() {
		return this.directory.resolve(this.caName + "-ca.pem");
	}

	/**
	 * Issue a certificate for 127.0.0.1 and localhost signed by this CA.
	 * @param name the subject's CN; also the prefix of its files
	 * @return the certificate chain (PEM) and private key (PKCS#8 PEM)
	 */
	public Issued issue(String name) {
		return issue(name, "ip:127.0.0.1,dns:localhost");
	}

	/**
	 * Issue a certificate for other names, signed by this CA.
	 * @param name the subject's CN; also the prefix of its files
	 * @param subjectAlternativeNames keytool's {@code san} value, for example
	 * {@code dns:vtgate.example.com}
	 * @return the certificate chain (PEM) and private key (PKCS#8 PEM)
	 */
	public Issued issue(String name, String subjectAlternativeNames) {
		Path store = store(name);
		keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
				"-validity", "2", "-keystore", store.toString());
		Path request = this.directory.resolve(name + ".csr");
		keytool("-certreq", "-alias", name, "-keystore", store.toString(), "-file", request.toString());
		Path signed = this.directory.resolve(name + "-signed.pem");
		keytool("-gencert", "-alias", "ca", "-keystore", store(this.caName).toString(), "-infile", request.toString(),
				"-outfile", signed.toString(), "-rfc", "-validity", "2", "-ext", "san=" + subjectAlternativeNames,
				"-ext", "eku=serverAuth,clientAuth");
		try {
			Path chain = this.directory.resolve(name + "-chain.pem");
			Files.writeString(chain, Files.readString(signed) + Files.readString(caCertificate()));
			KeyStore keyStore = KeyStore.getInstance("PKCS12");
			try (InputStream in = Files.newInputStream(store)) {
				keyStore.load(in, PASSWORD.toCharArray());
			}
			Key key = keyStore.getKey(name, PASSWORD.toCharArray());
			Path keyFile = this.directory.resolve(name + "-key.pem");
			Files.writeString(keyFile,
					"-----BEGIN PRIVATE KEY-----\n"
							+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
								.encodeToString(((PrivateKey) key).getEncoded())
							+ "\n-----END PRIVATE KEY-----\n");
			return new Issued(chain, keyFile);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private Path store(String name) {
		return this.directory.resolve(name + ".p12");
	}

	private static void keytool(String... args) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		command.addAll(List.of(args));
		command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD, "-noprompt"));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A certificate this CA issued.
	 *
	 * @param chain the certificate followed by the CA's, PEM
	 * @param privateKey its private key, PKCS#8 PEM
	 */
	public record Issued(Path chain, Path privateKey) {
	}

}
