package dev.vstream.stream;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.vstream.listener.RowChange;
import dev.vstream.test.Order;

/**
 * A listener of the stream tests that keeps every change it is handed, in order.
 */
class OrderRecorder {

	final List<RowChange<Order>> changes = new CopyOnWriteArrayList<>();

	void on(RowChange<Order> change) {
		this.changes.add(change);
	}

	List<Long> ids() {
		return this.changes.stream().map((c) -> c.row().orderId()).toList();
	}

}
