package dev.vstream.scaling;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * How many free shards an instance takes at one check.
 */
class ShardQuotaTests {

	@Test
	void aLoneInstancePastItsWarmUpTakesEveryFreeShardAtOnce() {
		assertThat(new ShardQuota(12, 1, 0, false).toTake(0)).isEqualTo(12);
	}

	@Test
	void anInstanceTakesUpToItsFairShareOfTheInstancesHoldingShards() {
		ShardQuota quota = new ShardQuota(5, 2, 0, false);
		assertThat(quota.fairShare()).isEqualTo(3);
		assertThat(quota.toTake(1)).isEqualTo(2);
		assertThat(quota.toTake(3)).isZero();
		assertThat(quota.toTake(4)).as("never negative").isZero();
	}

	@Test
	void theFairSharesOfTheHoldersCoverEveryShard() {
		for (int shards = 1; shards <= 64; shards++) {
			for (int instances = 1; instances <= 8; instances++) {
				assertThat(new ShardQuota(shards, instances, 0, false).fairShare() * instances)
					.isGreaterThanOrEqualTo(shards);
			}
		}
	}

	@Test
	void theMaximumCapsTheShare() {
		assertThat(new ShardQuota(12, 1, 4, false).toTake(1)).isEqualTo(3);
	}

	@Test
	void duringTheWarmUpAtMostOneIsTaken() {
		assertThat(new ShardQuota(12, 1, 0, true).toTake(0)).isEqualTo(1);
		assertThat(new ShardQuota(4, 2, 0, true).toTake(2)).isZero();
	}

	@Test
	void thereIsAlwaysOneInstanceThisOne() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ShardQuota(4, 0, 0, false));
	}

}
