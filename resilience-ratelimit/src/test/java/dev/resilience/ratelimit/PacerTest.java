package dev.resilience.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.ManualClock;
import dev.resilience.api.RateLimitedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacerTest {

    private final ManualClock clock = new ManualClock();

    @Test
    void spacesCallsEvenlyAtTheLeakRate() {
        RateLimiter pacer = RateLimiter.pacer().rate(10, Duration.ofSeconds(1)).maxQueueDelay(Duration.ofSeconds(1))
                .clock(clock).build();
        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            assertThat(pacer.tryAcquire()).isTrue();
            starts.add(clock.nanoTime());
        }
        for (int i = 1; i < starts.size(); i++) {
            assertThat(starts.get(i) - starts.get(i - 1)).isEqualTo(Duration.ofMillis(100).toNanos());
        }
    }

    @Test
    void refusesAtOnceBeyondTheMaximumQueueDelay() {
        RateLimiter pacer = RateLimiter.pacer().rate(10, Duration.ofSeconds(1)).maxQueueDelay(Duration.ofMillis(250))
                .clock(clock).build();
        ManualClock frozen = clock; // concurrent callers at one instant queue up behind each other
        assertThat(pacer.tryAcquireOrRetryAfter(1)).isZero();
        assertThat(pacer.tryAcquireOrRetryAfter(1)).isEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(pacer.tryAcquire(1, Duration.ofMillis(250))).isTrue(); // waits 100 ms
        assertThat(frozen.sleptNanos()).isEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(pacer.tryAcquire(3)).isFalse(); // would start 100 ms later but occupies 3 slots: 300 ms > 250
        assertThat(frozen.sleptNanos()).isEqualTo(Duration.ofMillis(100).toNanos());
        assertThatThrownBy(() -> pacer.acquireOrThrow(4)).isInstanceOf(IllegalArgumentException.class);
        RateLimiter noQueue = RateLimiter.pacer().rate(10, Duration.ofSeconds(1)).maxQueueDelay(Duration.ZERO)
                .clock(clock).build();
        noQueue.acquireOrThrow(1);
        assertThatThrownBy(() -> noQueue.acquireOrThrow(1)).isInstanceOf(RateLimitedException.class);
    }

    @Test
    void reconfigureChangesTheSpacing() {
        RateLimiter pacer = RateLimiter.pacer().rate(10, Duration.ofSeconds(1)).clock(clock).build();
        pacer.reconfigure(RateLimiter.pacer().rate(2, Duration.ofSeconds(1)).config());
        assertThat(pacer.tryAcquire()).isTrue();
        long start = clock.nanoTime();
        assertThat(pacer.tryAcquire()).isTrue();
        assertThat(clock.nanoTime() - start).isEqualTo(Duration.ofMillis(500).toNanos());
    }
}
