package dev.vstream.benchmarks.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.vitess.proto.Vtgate.VStreamRequest;
import io.vitess.proto.grpc.VitessGrpc;

/**
 * What the synthetic vtgate can serve: calls {@code Vitess/VStream} with a marshaller
 * that skips the response bytes instead of parsing them, so the client costs almost
 * nothing and the rate is the server's (plus the transport's). The harness compares it
 * with the consumers' rates to show the server is not their bottleneck. Child JVM:
 * {@code DiscardConsumer host:port rowsPerResponse}.
 */
public final class DiscardConsumer {

	private DiscardConsumer() {
	}

	/**
	 * @param args vtgate's address, rows per response
	 */
	public static void main(String[] args) {
		String[] address = args[0].split(":");
		int rowsPerResponse = Integer.parseInt(args[1]);
		ManagedChannel channel = Grpc
			.newChannelBuilderForAddress(address[0], Integer.parseInt(address[1]), InsecureChannelCredentials.create())
			.maxInboundMessageSize(64 * 1024 * 1024)
			.build();
		MethodDescriptor<VStreamRequest, Long> method = VitessGrpc.getVStreamMethod()
			.toBuilder(VitessGrpc.getVStreamMethod().getRequestMarshaller(), new Skipping())
			.build();
		Meter meter = Meter.fromSystemProperties();
		var responses = new AheadIterator<>(channel, method, LimitConsumer.request("current"),
				Integer.getInteger("bench.ahead", 16));
		while (responses.hasNext()) {
			responses.next();
			meter.add(rowsPerResponse);
		}
	}

	/** Counts and drops a response's bytes. */
	private static final class Skipping implements MethodDescriptor.Marshaller<Long> {

		private final byte[] buffer = new byte[64 * 1024];

		@Override
		public InputStream stream(Long value) {
			throw new UnsupportedOperationException();
		}

		@Override
		public Long parse(InputStream stream) {
			long n = 0;
			try {
				for (int r; (r = stream.read(this.buffer)) > 0;) {
					n += r;
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			return n;
		}

	}

}
