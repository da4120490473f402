package dev.vstream.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * The {@link VtgateConnectionDetails} of the {@code vstream.vtgate.*} properties: the
 * address, the SSL bundle named by {@code vstream.vtgate.ssl.bundle} and the user name
 * and password.
 */
public class PropertiesVtgateConnectionDetails implements VtgateConnectionDetails {

	private final VStreamProperties.Vtgate vtgate;

	private final ObjectProvider<SslBundles> sslBundles;

	/**
	 * Create the details of the given properties.
	 * @param vtgate the {@code vstream.vtgate.*} properties
	 * @param sslBundles the application's SSL bundles, needed when
	 * {@code vstream.vtgate.ssl.bundle} is set
	 */
	public PropertiesVtgateConnectionDetails(VStreamProperties.Vtgate vtgate, ObjectProvider<SslBundles> sslBundles) {
		this.vtgate = vtgate;
		this.sslBundles = sslBundles;
	}

	@Override
	public String getAddress() {
		return this.vtgate.getAddress();
	}

	/**
	 * The bundle named by {@code vstream.vtgate.ssl.bundle}.
	 * @throws IllegalStateException naming the property when the application has no such
	 * bundle
	 */
	@Override
	public @Nullable SslBundle getSslBundle() {
		String bundleName = this.vtgate.getSsl().getBundle();
		if (bundleName.isEmpty()) {
			return null;
		}
		SslBundles bundles = this.sslBundles.getIfAvailable();
		if (bundles == null) {
			throw new IllegalStateException("vstream.vtgate.ssl.bundle=" + bundleName
					+ " names an SSL bundle, but the application has no SslBundles bean (Spring Boot's SSL auto-configuration)");
		}
		try {
			return bundles.getBundle(bundleName);
		}
		catch (NoSuchSslBundleException ex) {
			throw new IllegalStateException(
					"vstream.vtgate.ssl.bundle=" + bundleName + " names no SSL bundle; define spring.ssl.bundle.pem."
							+ bundleName + ".* or spring.ssl.bundle.jks." + bundleName + ".*",
					ex);
		}
	}

	@Override
	public String getUsername() {
		return this.vtgate.getUsername();
	}

	@Override
	public String getPassword() {
		return this.vtgate.getPassword();
	}

	@Override
	public String toString() {
		return "PropertiesVtgateConnectionDetails[" + this.vtgate + "]";
	}

}
