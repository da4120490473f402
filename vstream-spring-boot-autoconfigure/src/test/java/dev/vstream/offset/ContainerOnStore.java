package dev.vstream.offset;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.vstream.listener.DefaultVStreamErrorHandler;
import dev.vstream.listener.ListenerMethodAdapter;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.mapping.RowMapperFactory;
import dev.vstream.position.StartPosition;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamSettings;
import dev.vstream.test.StreamFixture;
import dev.vstream.test.vtgate.ScriptedVtgate;
import io.vitess.proto.Topodata.TabletType;

import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.util.backoff.FixedBackOff;

/**
 * A container whose positions live in a real store, for checking what a stream does with
 * what it finds there at start-up.
 */
final class ContainerOnStore {

	private ContainerOnStore() {
	}

	/**
	 * @param keyspace the keyspace the only listener streams
	 */
	static VStreamContainer create(String streamId, String keyspace, OffsetRepository store, ScriptedVtgate vtgate) {
		VStreamSettings settings = new VStreamSettings(streamId, keyspace, StartPosition.CURRENT, TabletType.PRIMARY,
				Duration.ofSeconds(1), false, new FixedBackOff(10, Long.MAX_VALUE), List.of());
		VStreamListenerEndpoint endpoint;
		try {
			endpoint = new VStreamListenerEndpoint("rows", "", "corder", Set.of(), true,
					new ListenerMethodAdapter(new Rows(), Rows.class.getDeclaredMethod("on", Map.class),
							new RowMapperFactory(new DefaultConversionService())));
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
		return StreamFixture.newContainer(settings, vtgate.channel(), store, () -> List.of(endpoint),
				new DefaultVStreamErrorHandler());
	}

	static class Rows {

		void on(Map<String, Object> row) {
		}

	}

}
