package dev.vstream.copyapp;

import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.vstream.annotation.VStreamListener;
import dev.vstream.listener.RowChange;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * The application of {@code CopyPhaseIT} (its own package, so that no other end-to-end
 * application scans it): records the rows of {@code commerce.copy_item} and, with
 * {@code copyapp.orders=true}, of {@code commerce.corder}. With
 * {@code copyapp.block-at=N} the item listener blocks on the N-th row until the test
 * releases it; with {@code copyapp.row-micros=M} it takes M microseconds per row. With
 * {@code copyapp.items=false} there is no item listener.
 */
@SpringBootApplication
public class CopyApplication {

	@Bean
	@ConditionalOnProperty(name = "copyapp.items", matchIfMissing = true)
	Items items(@Value("${copyapp.block-at:0}") int blockAt, @Value("${copyapp.row-micros:0}") long rowMicros) {
		return new Items(blockAt, rowMicros);
	}

	@Bean
	@ConditionalOnProperty("copyapp.orders")
	Orders orders() {
		return new Orders();
	}

	public record Item(long id, String payload) {
	}

	public record Order(long orderId, long customerId, String sku, BigDecimal price) {
	}

	public static class Items {

		private final int blockAt;

		private final long rowNanos;

		private final CountDownLatch gate = new CountDownLatch(1);

		public final List<RowChange<Item>> changes = new CopyOnWriteArrayList<>();

		public volatile boolean blocked;

		Items(int blockAt, long rowMicros) {
			this.blockAt = blockAt;
			this.rowNanos = TimeUnit.MICROSECONDS.toNanos(rowMicros);
		}

		@VStreamListener(table = "copy_item")
		void on(RowChange<Item> change) throws InterruptedException {
			this.changes.add(change);
			if (this.rowNanos > 0) {
				// a listener with work to do per row, so that the copy takes a while
				LockSupport.parkNanos(this.rowNanos);
			}
			if (this.changes.size() == this.blockAt) {
				this.blocked = true;
				if (!this.gate.await(120, TimeUnit.SECONDS)) {
					throw new IllegalStateException("never released");
				}
			}
		}

		public void release() {
			this.gate.countDown();
		}

		public List<Long> ids() {
			return this.changes.stream().map((c) -> c.row().id()).toList();
		}

	}

	public static class Orders {

		public final List<RowChange<Order>> changes = new CopyOnWriteArrayList<>();

		@VStreamListener(table = "corder")
		void on(RowChange<Order> change) {
			this.changes.add(change);
		}

	}

}
