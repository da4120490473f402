package dev.vstream.autoconfigure;

import java.util.List;

import dev.vstream.stream.VStreamRequestCustomizer;
import dev.vstream.stream.VStreamRequestOptions;

/**
 * Turns {@code vstream.flags.*} into the stream's {@link VStreamRequestOptions}.
 */
final class VStreamFlagsSettings {

	private VStreamFlagsSettings() {
	}

	static VStreamRequestOptions requestOptions(VStreamFlagsProperties flags,
			List<VStreamRequestCustomizer> customizers) {
		List<String> cells = flags.getCells().stream().map(String::trim).filter((c) -> !c.isEmpty()).toList();
		return new VStreamRequestOptions(flags.isMinimizeSkew(), cells, flags.getCellPreference().value(),
				flags.getTabletOrder().value(), flags.isStreamKeyspaceHeartbeats(),
				flags.isIncludeReshardJournalEvents(), flags.isExcludeKeyspaceFromTableName(),
				flags.getTransactionChunkSize().toBytes(), customizers);
	}

}
