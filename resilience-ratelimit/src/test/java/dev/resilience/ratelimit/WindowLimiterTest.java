package dev.resilience.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WindowLimiterTest {

    private final ManualClock clock = new ManualClock();

    private int drainCount(RateLimiter limiter) {
        int granted = 0;
        while (limiter.tryAcquire()) {
            granted++;
        }
        return granted;
    }

    @Test
    void fixedWindowCountsExactlyPerWindowAndResetsAtTheEdge() {
        RateLimiter limiter = RateLimiter.fixedWindow().limit(5, Duration.ofSeconds(1)).clock(clock).build();
        clock.advanceMillis(600);
        assertThat(drainCount(limiter)).isEqualTo(5);
        assertThat(limiter.tryAcquireOrRetryAfter(1)).isEqualTo(Duration.ofMillis(400).toNanos());
        clock.advanceNanos(Duration.ofMillis(400).toNanos() - 1);
        assertThat(limiter.tryAcquire()).isFalse();
        clock.advanceNanos(1); // the window edge
        assertThat(limiter.availablePermits()).isEqualTo(5);
        assertThat(limiter.tryAcquire(3)).isTrue();
        assertThat(limiter.tryAcquire(3)).isFalse();
        assertThat(limiter.tryAcquire(2)).isTrue();
        assertThatThrownBy(() -> limiter.tryAcquire(6)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fixedWindowWaitsForTheNextWindowWithinTimeout() {
        RateLimiter limiter = RateLimiter.fixedWindow().limit(2, Duration.ofSeconds(1)).clock(clock).build();
        assertThat(limiter.tryAcquire(2)).isTrue();
        assertThat(limiter.tryAcquire(1, Duration.ofMillis(999))).isFalse();
        assertThat(clock.sleptNanos()).isZero();
        assertThat(limiter.tryAcquire(1, Duration.ofSeconds(1))).isTrue();
        assertThat(clock.sleptNanos()).isEqualTo(Duration.ofSeconds(1).toNanos());
    }

    @Test
    void fixedWindowReconfigureKeepsWhatTheWindowUsed() {
        RateLimiter limiter = RateLimiter.fixedWindow().limit(10, Duration.ofSeconds(1)).clock(clock).build();
        assertThat(limiter.tryAcquire(4)).isTrue();
        limiter.reconfigure(RateLimiter.fixedWindow().limit(6, Duration.ofSeconds(2)).config());
        assertThat(limiter.availablePermits()).isEqualTo(2);
        limiter.drain();
        assertThat(limiter.tryAcquire()).isFalse();
    }

    @Test
    void slidingLogIsExactOverAnyWindow() {
        RateLimiter limiter = RateLimiter.slidingLog().limit(3, Duration.ofSeconds(1)).clock(clock).build();
        assertThat(limiter.tryAcquire()).isTrue(); // t = 0
        clock.advanceMillis(400);
        assertThat(limiter.tryAcquire(2)).isTrue(); // t = 400
        clock.advanceMillis(500);
        assertThat(limiter.tryAcquireOrRetryAfter(1)).isEqualTo(Duration.ofMillis(100).toNanos());
        clock.advanceMillis(100); // t = 1000: the first has left
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquireOrRetryAfter(2)).isEqualTo(Duration.ofMillis(400).toNanos());
        assertThat(limiter.availablePermits()).isZero();
        clock.advanceMillis(400);
        assertThat(limiter.availablePermits()).isEqualTo(2);
    }

    @Test
    void slidingLogReconfigureKeepsTheNewestEntries() {
        RateLimiter limiter = RateLimiter.slidingLog().limit(4, Duration.ofSeconds(1)).clock(clock).build();
        assertThat(limiter.tryAcquire()).isTrue();
        clock.advanceMillis(500);
        assertThat(limiter.tryAcquire(2)).isTrue();
        limiter.reconfigure(RateLimiter.slidingLog().limit(2, Duration.ofSeconds(1)).config());
        assertThat(limiter.availablePermits()).isZero();
        clock.advanceMillis(500);
        assertThat(limiter.availablePermits()).isZero(); // the two at 500 ms remain
        clock.advanceMillis(500);
        assertThat(limiter.availablePermits()).isEqualTo(2);
        limiter.reconfigure(RateLimiter.slidingLog().limit(5, Duration.ofSeconds(1)).config());
        assertThat(limiter.availablePermits()).isEqualTo(5);
        limiter.drain();
        assertThat(limiter.availablePermits()).isZero();
    }

    @Test
    void slidingCounterRollsSubWindowsOut() {
        RateLimiter limiter = RateLimiter.slidingCounter().limit(4, Duration.ofSeconds(1)).buckets(4).clock(clock).build();
        assertThat(limiter.tryAcquire(3)).isTrue(); // sub-window 0
        clock.advanceMillis(500);
        assertThat(limiter.tryAcquire()).isTrue(); // sub-window 2
        assertThat(limiter.tryAcquireOrRetryAfter(1)).isEqualTo(Duration.ofMillis(500).toNanos());
        assertThat(limiter.tryAcquireOrRetryAfter(4)).isEqualTo(Duration.ofMillis(1000).toNanos());
        clock.advanceMillis(500); // sub-window 4: sub-window 0 rolled out
        assertThat(limiter.availablePermits()).isEqualTo(3);
        assertThat(limiter.tryAcquire(3)).isTrue();
        clock.advance(Duration.ofHours(1));
        assertThat(limiter.availablePermits()).isEqualTo(4);
        limiter.drain();
        assertThat(limiter.tryAcquire()).isFalse();
    }

    @Test
    void slidingCounterReconfigureKeepsWhatTheWindowUsed() {
        RateLimiter limiter = RateLimiter.slidingCounter().limit(10, Duration.ofSeconds(1)).clock(clock).build();
        assertThat(limiter.tryAcquire(7)).isTrue();
        limiter.reconfigure(RateLimiter.slidingCounter().limit(8, Duration.ofSeconds(2)).buckets(4).config());
        assertThat(limiter.availablePermits()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        assertThat(limiter.availablePermits()).isEqualTo(8);
    }
}
