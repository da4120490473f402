package dev.vstream.test.vtgate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Certificates for TLS tests, generated at run time (nothing is committed): a CA, and
 * certificates it signs, written as PEM files. Keys are EC P-256, certificates X.509 v3
 * signed with SHA256withECDSA, as the JDK's {@code keytool} makes them, but built in this
 * JVM (a few milliseconds each instead of a {@code keytool} process per step).
 */
public final class TestCertificates {

	private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";

	private static final String COMMON_NAME = "2.5.4.3";

	private static final String SUBJECT_KEY_IDENTIFIER = "2.5.29.14";

	private static final String SUBJECT_ALTERNATIVE_NAME = "2.5.29.17";

	private static final String BASIC_CONSTRAINTS = "2.5.29.19";

	private static final String AUTHORITY_KEY_IDENTIFIER = "2.5.29.35";

	private static final String EXTENDED_KEY_USAGE = "2.5.29.37";

	private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

	private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

	private static final Duration VALIDITY = Duration.ofDays(2);

	private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")
		.withZone(ZoneOffset.UTC);

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
				List.of(extension(BASIC_CONSTRAINTS, true, Der.sequence(Der.booleanTrue())),
						extension(SUBJECT_KEY_IDENTIFIER, false, Der.octetString(keyIdentifier(this.caKeys)))));
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
		KeyPair keys = keyPair();
		byte[] certificate = certificate(name, keys.getPublic(), List.of(
				extension(SUBJECT_ALTERNATIVE_NAME, false, generalNames(subjectAlternativeNames)),
				extension(EXTENDED_KEY_USAGE, false, Der.sequence(Der.oid(SERVER_AUTH), Der.oid(CLIENT_AUTH))),
				extension(SUBJECT_KEY_IDENTIFIER, false, Der.octetString(keyIdentifier(keys))),
				extension(AUTHORITY_KEY_IDENTIFIER, false, Der.sequence(Der.implicit(0, keyIdentifier(this.caKeys))))));
		Path chain = this.directory.resolve(name + "-chain.pem");
		write(chain, pem("CERTIFICATE", certificate) + read(caCertificate()));
		Path keyFile = this.directory.resolve(name + "-key.pem");
		write(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
		return new Issued(chain, keyFile);
	}

	/** A certificate of {@code subject}'s key, issued and signed by this CA. */
	private byte[] certificate(String subject, PublicKey key, List<byte[]> extensions) {
		Instant now = Instant.now();
		byte[] signatureAlgorithm = Der.sequence(Der.oid(ECDSA_WITH_SHA256));
		byte[] toBeSigned = Der.sequence(Der.explicit(0, Der.integer(BigInteger.TWO)),
				Der.integer(new BigInteger(63, RANDOM).add(BigInteger.ONE)), signatureAlgorithm, name(this.caName),
				Der.sequence(Der.utcTime(UTC_TIME.format(now.minus(Duration.ofMinutes(5)))),
						Der.utcTime(UTC_TIME.format(now.plus(VALIDITY)))),
				name(subject), key.getEncoded(), // an X.509 SubjectPublicKeyInfo
				Der.explicit(3, Der.sequence(extensions.toArray(byte[][]::new))));
		try {
			Signature signature = Signature.getInstance("SHA256withECDSA");
			signature.initSign(this.caKeys.getPrivate());
			signature.update(toBeSigned);
			return Der.sequence(toBeSigned, signatureAlgorithm, Der.bitString(signature.sign()));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
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
	private static byte[] name(String commonName) {
		return Der.sequence(Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8String(commonName))));
	}

	private static byte[] extension(String oid, boolean critical, byte[] value) {
		return critical ? Der.sequence(Der.oid(oid), Der.booleanTrue(), Der.octetString(value))
				: Der.sequence(Der.oid(oid), Der.octetString(value));
	}

	/** {@code ip:} and {@code dns:} names, comma-separated, as GeneralNames. */
	private static byte[] generalNames(String names) {
		List<byte[]> generalNames = new ArrayList<>();
		for (String name : names.split(",")) {
			String[] typeAndValue = name.strip().split(":", 2);
			switch (typeAndValue[0].toLowerCase(Locale.ROOT)) {
				case "dns" -> generalNames.add(Der.implicit(2, typeAndValue[1].getBytes(StandardCharsets.US_ASCII)));
				case "ip" -> generalNames.add(Der.implicit(7, ipAddress(typeAndValue[1])));
				default -> throw new IllegalArgumentException("Unsupported subject alternative name: " + name);
			}
		}
		return Der.sequence(generalNames.toArray(byte[][]::new));
	}

	private static byte[] ipAddress(String literal) {
		if (!literal.matches("[0-9.]+|[0-9a-fA-F:]+")) {
			throw new IllegalArgumentException("Not an IP address literal: " + literal);
		}
		try {
			return InetAddress.getByName(literal).getAddress();
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException("Not an IP address literal: " + literal, ex);
		}
	}

	/** The SHA-1 of the public key's encoding, as keytool's key identifiers. */
	private static byte[] keyIdentifier(KeyPair keys) {
		try {
			return MessageDigest.getInstance("SHA-1").digest(keys.getPublic().getEncoded());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
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

	/**
	 * A certificate this CA issued.
	 *
	 * @param chain the certificate followed by the CA's, PEM
	 * @param privateKey its private key, PKCS#8 PEM
	 */
	public record Issued(Path chain, Path privateKey) {
	}

}
