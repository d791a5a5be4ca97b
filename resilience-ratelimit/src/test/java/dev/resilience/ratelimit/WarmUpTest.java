package dev.resilience.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WarmUpTest {

    private final ManualClock clock = new ManualClock();

    /** Permits granted in {@code duration} by a caller asking every millisecond. */
    private int saturate(RateLimiter limiter, Duration duration) {
        int granted = 0;
        for (long ms = 0; ms < duration.toMillis(); ms++) {
            granted += limiter.tryAcquire() ? 1 : 0;
            clock.advanceMillis(1);
        }
        return granted;
    }

    @Test
    void startsColdAndReachesTheConfiguredRate() {
        RateLimiter limiter = RateLimiter.warmUp().rate(100, Duration.ofSeconds(1)).warmUp(Duration.ofSeconds(2))
                .coldFactor(3).clock(clock).build();
        int first = saturate(limiter, Duration.ofSeconds(1));
        assertThat(first).as("cold: well below 100 per second").isBetween(34, 80);
        saturate(limiter, Duration.ofSeconds(2));
        assertThat(saturate(limiter, Duration.ofSeconds(1))).as("warm: the full rate").isEqualTo(100);
        assertThat(saturate(limiter, Duration.ofSeconds(5))).isEqualTo(500);
    }

    @Test
    void coolsDownAgainAfterIdling() {
        RateLimiter limiter = RateLimiter.warmUp().rate(100, Duration.ofSeconds(1)).warmUp(Duration.ofSeconds(2))
                .clock(clock).build();
        saturate(limiter, Duration.ofSeconds(4));
        clock.advance(Duration.ofMinutes(1));
        assertThat(saturate(limiter, Duration.ofSeconds(1))).isLessThan(80);
    }

    @Test
    void aTinyWarmUpStillLimitsAndZeroIsRejected() throws InterruptedException {
        RateLimiter limiter = RateLimiter.warmUp().rate(100, Duration.ofSeconds(1)).warmUp(Duration.ofNanos(1))
                .clock(clock).build();
        long end = clock.nanoTime() + Duration.ofSeconds(3).toNanos();
        int granted = 0;
        while (clock.nanoTime() < end) {
            limiter.acquire(1); // waits exactly as long as the limiter says
            granted++;
        }
        assertThat(granted).as("the full rate, never more than 1 + rate × t").isBetween(300, 301);
        assertThatThrownBy(() -> RateLimiter.warmUp().rate(100, Duration.ofSeconds(1)).warmUp(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("warmUp must be positive but was PT0S");
        assertThatThrownBy(() -> RateLimiter.warmUp().rate(100, Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("warmUp must be set");
    }

    @Test
    void reconfigureAndDrain() {
        RateLimiter limiter = RateLimiter.warmUp().rate(100, Duration.ofSeconds(1)).warmUp(Duration.ofSeconds(1))
                .clock(clock).build();
        saturate(limiter, Duration.ofSeconds(3));
        limiter.reconfigure(RateLimiter.warmUp().rate(10, Duration.ofSeconds(1)).warmUp(Duration.ofSeconds(1)).config());
        saturate(limiter, Duration.ofSeconds(1));
        assertThat(saturate(limiter, Duration.ofSeconds(2))).isBetween(19, 21);
        limiter.drain();
        assertThat(limiter.availablePermits()).isZero();
        assertThat(limiter.tryAcquire()).isFalse();
    }
}
