package dev.vstream.scaling;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

import dev.vstream.listener.ListenerMethodAdapter;
import dev.vstream.listener.RowChange;
import dev.vstream.listener.VStreamErrorHandler;
import dev.vstream.listener.VStreamListenerEndpoint;
import dev.vstream.mapping.RowMapperFactory;
import dev.vstream.offset.JdbcOffsetRepository;
import dev.vstream.offset.OffsetRepository;
import dev.vstream.position.StartPosition;
import dev.vstream.stream.DefaultVStreamContainer;
import dev.vstream.stream.VStreamContainer;
import dev.vstream.stream.VStreamSettings;
import dev.vstream.test.Order;
import dev.vstream.test.StreamFixture;
import io.grpc.Channel;
import io.vitess.proto.Topodata.TabletType;

import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.util.backoff.FixedBackOff;

/**
 * One application instance in a test: its own lock registry (locks are per process), lock
 * fence and offset repository over a database shared with the other instances, and a
 * listener that records which instance handled what. Its connection to the database can
 * be cut, as a network partition or a frozen process would.
 */
final class ScalingInstance implements AutoCloseable {

	/** The order whose change the listener fails on. */
	static final long FAILING_ORDER = 666;

	final String id;

	final Partitionable dataSource;

	final DefaultLockRepository lockRepository;

	final JdbcLockRegistry locks;

	final JdbcLockFence fence;

	final JdbcOffsetRepository offsets;

	final VStreamContainer template;

	private final Channel vtgate;

	final List<Handled> handled;

	ScalingInstance(String id, DataSource shared, Channel vtgate, Duration lease, List<Handled> handled) {
		this.id = id;
		this.handled = handled;
		this.dataSource = new Partitionable(shared);
		DataSourceTransactionManager transactions = new DataSourceTransactionManager(this.dataSource);
		this.fence = new JdbcLockFence(this.dataSource, transactions, id, "INT_", "test");
		this.fence.createTableIfMissing();
		this.lockRepository = new DefaultLockRepository(this.dataSource, id);
		this.lockRepository.setRegion("test");
		this.lockRepository.setTransactionManager(transactions);
		this.lockRepository.afterPropertiesSet();
		this.lockRepository.afterSingletonsInstantiated();
		this.locks = new JdbcLockRegistry(this.lockRepository, lease);
		this.locks.setIdleBetweenTries(Duration.ofMillis(50));
		this.offsets = new JdbcOffsetRepository(new JdbcTemplate(this.dataSource));
		this.offsets.createTableIfMissing();
		this.vtgate = vtgate;
		this.template = stream(this.offsets);
	}

	/**
	 * A stream of this instance's listener on keyspace customer.
	 * @param streamOffsets where it saves its position
	 */
	DefaultVStreamContainer stream(OffsetRepository streamOffsets) {
		VStreamSettings settings = new VStreamSettings("orders", "customer", StartPosition.CURRENT, TabletType.PRIMARY,
				Duration.ZERO, false, new FixedBackOff(50, Long.MAX_VALUE), List.of());
		VStreamListenerEndpoint endpoint;
		try {
			endpoint = new VStreamListenerEndpoint("orders", "", "corder", Set.of(), true,
					new ListenerMethodAdapter(this, ScalingInstance.class.getDeclaredMethod("on", RowChange.class),
							new RowMapperFactory(new DefaultConversionService())));
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
		DefaultVStreamContainer container = StreamFixture.newContainer(settings, this.vtgate, streamOffsets,
				() -> List.of(endpoint), VStreamErrorHandler.stopStream());
		container.getContainerOptions().setVerifyTables(false);
		return container;
	}

	void on(RowChange<Order> change) {
		if (change.row().orderId() == FAILING_ORDER) {
			throw new IllegalStateException("listener failure (test) on order " + FAILING_ORDER);
		}
		this.handled.add(new Handled(this.id, change.row().orderId(), change.shard()));
	}

	@Override
	public void close() {
		this.dataSource.cut = false;
	}

	record Handled(String instance, long orderId, String shard) {
	}

	/**
	 * A DataSource whose connections can be refused, as a partition from the database
	 * would.
	 */
	static final class Partitionable extends DelegatingDataSource {

		volatile boolean cut;

		Partitionable(DataSource target) {
			super(target);
		}

		@Override
		public Connection getConnection() throws SQLException {
			if (this.cut) {
				throw new SQLException("partitioned from the database (test)");
			}
			return super.getConnection();
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			return getConnection();
		}

	}

}
