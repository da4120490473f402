package dev.vstream.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import binlogdata.Binlogdata.ShardGtid;
import binlogdata.Binlogdata.VEvent;
import binlogdata.Binlogdata.VEventType;
import binlogdata.Binlogdata.VGtid;
import io.grpc.Channel;
import io.grpc.Status;
import io.vitess.proto.Vtgate.VStreamRequest;
import io.vitess.proto.Vtgate.VStreamResponse;

/**
 * The responses of several VStream calls of one stream (one per group of keyspaces, see
 * {@link VStreamRequestFactory}) as the responses of one call: whole transactions, one
 * call at a time, each VGTID widened to the latest position of every call, so that the
 * stream's position always covers all its keyspaces and resumes each call where it was.
 *
 * <p>
 * A call in the middle of a transaction is read until the transaction's end before
 * another call's responses are taken; between transactions the calls take turns. The
 * final {@code COPY_COMPLETED} (without keyspace and shard) is passed on once every call
 * that copies has sent its own. The end or failure of any call ends the whole (the stream
 * reconnects every call from its position).
 */
final class MergedResponses implements VStreamResponses {

	private final List<ResponseStream> calls = new ArrayList<>();

	/** Per call, its latest shard positions. */
	private final List<List<ShardGtid>> positions = new ArrayList<>();

	/** Per call, its keyspaces. */
	private final List<Set<String>> keyspaces = new ArrayList<>();

	/** Per call, whether its last response left a transaction open. */
	private final boolean[] open;

	/** Calls that copy and have not sent their final COPY_COMPLETED yet. */
	private int copying;

	private final boolean[] copied;

	private final Semaphore arrivals = new Semaphore(0);

	private final AtomicBoolean woken = new AtomicBoolean();

	/** The call whose next response is at hand or must come next; -1 for none. */
	private volatile int selected = -1;

	private int turn;

	MergedResponses(Channel channel, List<VStreamRequest> requests, int prefetch, Runnable onConnected) {
		this.open = new boolean[requests.size()];
		this.copied = new boolean[requests.size()];
		for (VStreamRequest request : requests) {
			List<ShardGtid> shards = request.getVgtid().getShardGtidsList();
			this.positions.add(shards);
			this.keyspaces.add(shards.stream().map(ShardGtid::getKeyspace).collect(Collectors.toSet()));
			if (shards.stream().anyMatch((s) -> s.getGtid().isEmpty() || s.getTablePKsCount() > 0)) {
				this.copying++;
			}
		}
		for (VStreamRequest request : requests) {
			this.calls.add(new ResponseStream(channel, request, prefetch, onConnected, this.arrivals::release));
		}
	}

	@Override
	public boolean await(long timeoutNanos) {
		int current = this.selected;
		if (current >= 0) {
			return !this.open[current] || this.calls.get(current).await(timeoutNanos);
		}
		long deadline = System.nanoTime() + Math.max(0, timeoutNanos);
		while (true) {
			this.arrivals.drainPermits();
			for (int k = 0; k < this.calls.size(); k++) {
				int i = (this.turn + k) % this.calls.size();
				ResponseStream call = this.calls.get(i);
				// A second look: the first may only have taken a stale wake-up.
				if (call.await(0) || call.await(0)) {
					this.selected = i;
					this.turn = i + 1;
					return true;
				}
			}
			if (this.woken.getAndSet(false)) {
				return false;
			}
			try {
				if (timeoutNanos < 0) {
					this.arrivals.acquire();
				}
				else {
					long left = deadline - System.nanoTime();
					if (left <= 0 || !this.arrivals.tryAcquire(left, TimeUnit.NANOSECONDS)) {
						return false;
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw Status.CANCELLED.withDescription("Thread interrupted").withCause(ex).asRuntimeException();
			}
		}
	}

	@Override
	public boolean hasNext() {
		while (!await(-1)) {
			// Woken: only callers of await() look at the stream's state in between.
		}
		return this.calls.get(this.selected).hasNext();
	}

	@Override
	public VStreamResponse next() {
		if (!hasNext()) {
			throw new NoSuchElementException();
		}
		int current = this.selected;
		VStreamResponse response = merged(current, this.calls.get(current).next());
		if (!this.open[current]) {
			this.selected = -1;
		}
		return response;
	}

	@Override
	public boolean isResponseWaiting() {
		for (ResponseStream call : this.calls) {
			if (call.isResponseWaiting()) {
				return true;
			}
		}
		return false;
	}

	@Override
	public void wake() {
		this.woken.set(true);
		this.arrivals.release();
		int current = this.selected;
		if (current >= 0) {
			this.calls.get(current).wake();
		}
	}

	/**
	 * The response with each VGTID widened to every call's position and the final
	 * COPY_COMPLETED held back until the last copying call sends it; notes whether the
	 * call's transaction is still open.
	 */
	private VStreamResponse merged(int call, VStreamResponse response) {
		VStreamResponse.Builder merged = null;
		List<VEvent> events = response.getEventsList();
		for (int i = 0; i < events.size(); i++) {
			VEvent event = events.get(i);
			VEventType type = event.getType();
			if (type == VEventType.BEGIN) {
				this.open[call] = true;
			}
			else if (type == VEventType.COMMIT || type == VEventType.ROLLBACK || type == VEventType.DDL
					|| type == VEventType.OTHER) {
				this.open[call] = false;
			}
			VEvent replacement = event;
			if (type == VEventType.VGTID) {
				// Its own keyspaces only: the others' come from their calls.
				Set<String> own = this.keyspaces.get(call);
				this.positions.set(call,
						event.getVgtid()
							.getShardGtidsList()
							.stream()
							.filter((shard) -> own.contains(shard.getKeyspace()))
							.toList());
				VGtid.Builder all = VGtid.newBuilder();
				this.positions.forEach(all::addAllShardGtids);
				replacement = event.toBuilder().setVgtid(all).build();
			}
			boolean whole = type == VEventType.COPY_COMPLETED && event.getKeyspace().isEmpty()
					&& event.getShard().isEmpty();
			if (whole && !this.copied[call]) {
				this.copied[call] = true;
				this.copying--;
			}
			boolean dropped = whole && this.copying > 0;
			if (merged == null && (dropped || replacement != event)) {
				merged = VStreamResponse.newBuilder().addAllEvents(events.subList(0, i));
			}
			if (merged != null && !dropped) {
				merged.addEvents(replacement);
			}
		}
		return (merged != null) ? merged.build() : response;
	}

}
