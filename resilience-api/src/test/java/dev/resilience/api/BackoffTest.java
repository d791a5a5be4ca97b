package dev.resilience.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void fixedIsTheSameEveryTime() {
        Backoff backoff = Backoff.fixed(Duration.ofMillis(300));

        assertThat(backoff.delayNanos(1, 0)).isEqualTo(300 * MS);
        assertThat(backoff.delayNanos(9, 300 * MS)).isEqualTo(300 * MS);
    }

    @Test
    void exponentialGrowsByTheMultiplierUpToTheCap() {
        Backoff backoff = Backoff.exponential(Duration.ofMillis(100), 3.0, Duration.ofSeconds(2));

        assertThat(backoff.delayNanos(1, 0)).isEqualTo(100 * MS);
        assertThat(backoff.delayNanos(2, 0)).isEqualTo(300 * MS);
        assertThat(backoff.delayNanos(3, 0)).isEqualTo(900 * MS);
        assertThat(backoff.delayNanos(4, 0)).isEqualTo(2_000 * MS);
        assertThat(backoff.delayNanos(400, 0)).isEqualTo(2_000 * MS);
    }

    @Test
    void fullJitterStaysWithinZeroAndTheExponentialDelay() {
        Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(10))
                .withJitter(Backoff.Jitter.FULL).withRandom(new SplittableRandom(1));
        long sum = 0;
        for (int i = 0; i < 10_000; i++) {
            long delay = backoff.delayNanos(3, 0);
            assertThat(delay).isBetween(0L, 400 * MS);
            sum += delay;
        }
        // uniform on [0, 400 ms]: the mean is 200 ms
        assertThat(sum / 10_000.0).isBetween(190.0 * MS, 210.0 * MS);
    }

    @Test
    void equalJitterNeverGoesBelowHalf() {
        Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(10))
                .withJitter(Backoff.Jitter.EQUAL).withRandom(new SplittableRandom(2));
        for (int i = 0; i < 10_000; i++) {
            assertThat(backoff.delayNanos(2, 0)).isBetween(100 * MS, 200 * MS);
        }
    }

    @Test
    void decorrelatedJitterGrowsFromThePreviousDelayWithinBaseAndCap() {
        Backoff backoff = Backoff.decorrelatedJitter(Duration.ofMillis(10), Duration.ofMillis(500))
                .withRandom(new SplittableRandom(3));
        long previous = 0;
        long max = 0;
        for (int attempt = 1; attempt <= 1_000; attempt++) {
            long delay = backoff.delayNanos(attempt, previous);
            assertThat(delay).isBetween(10 * MS, Math.min(500 * MS, 3 * Math.max(10 * MS, previous)));
            max = Math.max(max, delay);
            previous = delay;
        }
        assertThat(max).isGreaterThan(400 * MS);
    }

    @Test
    void aSeededRandomGivesARepeatableSequence() {
        Backoff.Standard template = Backoff.exponential(Duration.ofMillis(50), Duration.ofSeconds(5))
                .withJitter(Backoff.Jitter.FULL);
        Backoff first = template.withRandom(new SplittableRandom(42));
        Backoff second = template.withRandom(new SplittableRandom(42));

        for (int attempt = 1; attempt <= 20; attempt++) {
            assertThat(first.delayNanos(attempt, 0)).isEqualTo(second.delayNanos(attempt, 0));
        }
    }

    @Test
    void invalidParametersAreNamed() {
        assertThatThrownBy(() -> Backoff.fixed(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("delay must not be negative but was PT-0.001S");
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max must be at least initial");
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("multiplier must be finite and at least 1.0 but was 0.5");
        assertThatThrownBy(() -> Backoff.fixed(Duration.ofSeconds(1)).delayNanos(0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("attempt must be at least 1 but was 0");
        assertThatThrownBy(() -> Backoff.fixed(Duration.ofSeconds(1)).withRandom(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("random must not be null");
    }

    @Test
    void delayAsDurationMatchesNanos() {
        Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1));

        assertThat(backoff.delay(3, Duration.ZERO)).isEqualTo(Duration.ofMillis(400));
    }
}
