package dev.vstream.autoconfigure;

import com.google.common.net.InetAddresses;

/**
 * A vtgate gRPC address, {@code host:port}.
 *
 * @param host the host
 * @param port the port
 */
record VtgateAddress(String host, int port) {

	/**
	 * Whether a host is this machine's loopback interface: {@code localhost}, or an
	 * address literal in {@code 127.0.0.0/8} or {@code ::1}. Names are not resolved: a
	 * name that happens to resolve to loopback today may not tomorrow.
	 * @param host the host
	 * @return whether traffic to it stays on this machine
	 */
	static boolean isLoopback(String host) {
		if (host.equalsIgnoreCase("localhost")) {
			return true;
		}
		if (!InetAddresses.isInetAddress(host)) {
			return false;
		}
		return InetAddresses.forString(host).isLoopbackAddress();
	}

	static VtgateAddress parse(String address) {
		if (address == null || address.isBlank()) {
			throw new IllegalArgumentException("must be host:port, was empty");
		}
		String text = address.trim();
		if (text.contains(",")) {
			throw new IllegalArgumentException("must be one host:port, was '" + text + "': a list of vtgates is not "
					+ "supported; put a load balancer or a DNS name that resolves to every vtgate in front of them");
		}
		if (text.chars().anyMatch(Character::isWhitespace) || text.contains("://")) {
			throw new IllegalArgumentException("must be host:port, was '" + text + "'");
		}
		int colon = text.lastIndexOf(':');
		if (colon <= 0 || colon == text.length() - 1) {
			throw new IllegalArgumentException("must be host:port, was '" + text + "'");
		}
		String host = text.substring(0, colon);
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		int port;
		try {
			port = Integer.parseInt(text.substring(colon + 1));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("must be host:port with a numeric port, was '" + text + "'");
		}
		if (port < 1 || port > 65535 || host.isBlank() || host.contains("/")) {
			throw new IllegalArgumentException("must be host:port with a port in 1-65535, was '" + text + "'");
		}
		return new VtgateAddress(host, port);
	}

}
