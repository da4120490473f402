package dev.vstream.stream;

import dev.vstream.offset.PositionConflictException;
import dev.vstream.position.StreamPosition;
import org.junit.jupiter.api.Test;

import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

import static dev.vstream.test.vtgate.Events.vgtid;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long a stream stands by after another instance of it saved a position first.
 */
class ConflictStandbyTests {

	@Test
	void delaysGrowWhileTheStreamKeepsLosingAndStartOverOnceItSavedAgain() {
		ConflictStandby standby = new ConflictStandby(new ExponentialBackOff(100, 2));

		assertThat(standby.standBy(conflict(1, 2), position(1), true)).isEqualTo(100);
		standby.resumed(position(2));
		assertThat(standby.standBy(conflict(2, 3), position(2), true)).as("lost again without saving").isEqualTo(200);
		standby.resumed(position(3));
		assertThat(standby.standBy(conflict(5, 6), position(5), true)).as("saved 4 and 5 meanwhile").isEqualTo(100);
	}

	@Test
	void delaysNeverRunOutSoThatTheStreamIsNotLeftToNobody() {
		ConflictStandby standby = new ConflictStandby(new FixedBackOff(10, 1));

		for (int i = 0; i < 5; i++) {
			assertThat(standby.standBy(conflict(1, 2), position(1), false)).isEqualTo(10);
			standby.resumed(position(1));
		}
	}

	private static PositionConflictException conflict(long expected, long stored) {
		return new PositionConflictException("orders", position(expected + 1), position(expected), position(stored));
	}

	private static StreamPosition position(long n) {
		return StreamPosition.of(vgtid("commerce", "0", "MySQL56/a:1-" + n));
	}

}
