package dev.vstream.autoconfigure;

import io.grpc.ManagedChannelBuilder;

/**
 * Callback to customize the gRPC channel to vtgate before it is built: interceptors,
 * executors, retry or keep-alive settings that the {@code vstream.vtgate.*} properties do
 * not cover.
 */
@FunctionalInterface
public interface VStreamChannelCustomizer {

	/**
	 * Customize the channel builder.
	 * @param builder the builder, already configured from the properties
	 */
	void customize(ManagedChannelBuilder<?> builder);

}
