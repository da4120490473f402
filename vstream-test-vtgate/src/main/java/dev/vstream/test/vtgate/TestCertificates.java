package dev.vstream.test.vtgate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for TLS tests, generated at run time (nothing is committed): a CA, and
 * certificates it signs, written as PEM files. Keys are EC P-256, certificates X.509 v3
 * signed with SHA256withECDSA with the extensions the JDK's {@code keytool} gives them,
 * built in this JVM with Bouncy Castle (a few milliseconds each instead of a
 * {@code keytool} process per step).
 */
public final class TestCertificates {

	private static final Duration VALIDITY = Duration.ofDays(2);

	private static final SecureRandom RANDOM = new SecureRandom();

	private final Path directory;

	private final String caName;

	private final KeyPair caKeys;

	/**
	 * Create a CA in a directory.
	 * @param directory where the files go
	 * @param caName the CA's name; also the prefix of its files
	 */
	public TestCertificates(Path directory, String caName) {
		this.directory = directory;
		this.caName = caName;
		this.caKeys = keyPair();
		byte[] certificate = certificate(caName, this.caKeys.getPublic(),
				(builder, utils) -> builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true)));
		write(caCertificate(), pem("CERTIFICATE", certificate));
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
	 * @param subjectAlternativeNames the names as {@code keytool}'s {@code san} value
	 * takes them, for example {@code dns:vtgate.example.com} or
	 * {@code ip:127.0.0.1,dns:localhost}
	 * @return the certificate chain (PEM) and private key (PKCS#8 PEM)
	 */
	public Issued issue(String name, String subjectAlternativeNames) {
		GeneralNames names = generalNames(subjectAlternativeNames);
		KeyPair keys = keyPair();
		byte[] certificate = certificate(name, keys.getPublic(),
				(builder, utils) -> builder.addExtension(Extension.subjectAlternativeName, false, names)
					.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
							new KeyPurposeId[] { KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth }))
					.addExtension(Extension.authorityKeyIdentifier, false,
							utils.createAuthorityKeyIdentifier(this.caKeys.getPublic())));
		Path chain = this.directory.resolve(name + "-chain.pem");
		write(chain, pem("CERTIFICATE", certificate) + read(caCertificate()));
		Path keyFile = this.directory.resolve(name + "-key.pem");
		write(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
		return new Issued(chain, keyFile);
	}

	/** A certificate of {@code subject}'s key, issued and signed by this CA. */
	private byte[] certificate(String subject, PublicKey key, Extensions extensions) {
		Instant now = Instant.now();
		try {
			JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
			X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name(this.caName),
					new BigInteger(63, RANDOM).add(BigInteger.ONE), Date.from(now.minus(Duration.ofMinutes(5))),
					Date.from(now.plus(VALIDITY)), name(subject), key)
				.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(key));
			extensions.add(builder, utils);
			return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(this.caKeys.getPrivate()))
				.getEncoded();
		}
		catch (GeneralSecurityException | OperatorCreationException ex) {
			throw new IllegalStateException(ex);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static KeyPair keyPair() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A CN-only distinguished name. */
	private static X500Name name(String commonName) {
		return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
	}

	/** {@code ip:} and {@code dns:} names, comma-separated. */
	private static GeneralNames generalNames(String names) {
		List<GeneralName> generalNames = new ArrayList<>();
		for (String name : names.split(",")) {
			String[] typeAndValue = name.strip().split(":", 2);
			if (typeAndValue.length != 2) {
				throw new IllegalArgumentException("Unsupported subject alternative name: " + name);
			}
			switch (typeAndValue[0].toLowerCase(Locale.ROOT)) {
				case "dns" -> generalNames.add(new GeneralName(GeneralName.dNSName, typeAndValue[1]));
				case "ip" -> generalNames.add(new GeneralName(GeneralName.iPAddress, typeAndValue[1]));
				default -> throw new IllegalArgumentException("Unsupported subject alternative name: " + name);
			}
		}
		return new GeneralNames(generalNames.toArray(GeneralName[]::new));
	}

	private static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
				+ "\n-----END " + type + "-----\n";
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void write(Path file, String text) {
		try {
			Files.writeString(file, text);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The extensions of one kind of certificate, besides the subject key identifier. */
	@FunctionalInterface
	private interface Extensions {

		void add(X509v3CertificateBuilder builder, JcaX509ExtensionUtils utils) throws CertIOException;

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
