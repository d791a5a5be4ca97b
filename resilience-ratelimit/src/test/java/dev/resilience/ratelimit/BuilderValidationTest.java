package dev.resilience.ratelimit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Every builder parameter rejects bad values with a message naming the parameter and the value. */
class BuilderValidationTest {

    private static void rejects(ThrowingCallable build, String message) {
        assertThatThrownBy(build).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void commonParameters() {
        rejects(() -> RateLimiter.tokenBucket().name(" "), "name must not be blank but was \" \"");
        rejects(() -> RateLimiter.tokenBucket().clock(null), "clock must not be null");
        rejects(() -> RateLimiter.of("x", null), "config must not be null");
    }

    @Test
    void tokenBucket() {
        rejects(() -> RateLimiter.tokenBucket().capacity(0), "capacity must be positive but was 0");
        rejects(() -> RateLimiter.tokenBucket().refill(-1, Duration.ofSeconds(1)), "permits must be positive but was -1");
        rejects(() -> RateLimiter.tokenBucket().refill(1, Duration.ZERO), "period must be positive but was PT0S");
        rejects(() -> RateLimiter.tokenBucket().refill(1, null), "period must not be null");
        rejects(() -> RateLimiter.tokenBucket().initialPermits(-1), "initialPermits must not be negative but was -1");
        rejects(() -> RateLimiter.tokenBucket().limit(null), "limit must not be null");
        rejects(() -> RateLimiter.tokenBucket().build(), "refill must be set");
        rejects(() -> RateLimiter.tokenBucket().capacity(5).build(), "refill must be set with capacity 5");
        rejects(() -> Bandwidth.of(1, 1_000_000_001L, Duration.ofSeconds(1)), "one permit per nanosecond");
        rejects(() -> new RateLimiterConfig.TokenBucket(java.util.List.of(), 0), "limits must not be empty");
    }

    @Test
    void pacer() {
        rejects(() -> RateLimiter.pacer().rate(0, Duration.ofSeconds(1)), "permits must be positive but was 0");
        rejects(() -> RateLimiter.pacer().maxQueueDelay(Duration.ofSeconds(-1)), "maxQueueDelay must not be negative");
        rejects(() -> RateLimiter.pacer().build(), "rate must be set");
        rejects(() -> RateLimiter.pacer().rate(1, Duration.ofSeconds(1)).maxQueueDelay(Duration.ofDays(365 * 100)).build(),
                "maxQueueDelay must be at most 73 years");
    }

    @Test
    void windows() {
        rejects(() -> RateLimiter.fixedWindow().limit(0, Duration.ofSeconds(1)), "limit must be positive but was 0");
        rejects(() -> RateLimiter.fixedWindow().limit(1, Duration.ofSeconds(-1)), "window must be positive");
        rejects(() -> RateLimiter.fixedWindow().build(), "limit must be set");
        rejects(() -> RateLimiter.fixedWindow().limit(10, Duration.ofNanos(10)).build(),
                "limit must be below one permit per nanosecond of the window but was 10 per PT0.00000001S");
        rejects(() -> RateLimiter.fixedWindow().buckets(4), "buckets applies only to a sliding counter");
        rejects(() -> RateLimiter.slidingCounter().buckets(1), "buckets must be between 2 and 1024 but was 1");
        rejects(() -> RateLimiter.slidingCounter().limit(10, Duration.ofNanos(1001)).buckets(10).build(),
                "does not divide by buckets 10");
        rejects(() -> RateLimiter.slidingLog().limit(20_000_000, Duration.ofSeconds(1)).build(),
                "limit must be between 1 and 16777216 but was 20000000");
    }

    @Test
    void warmUp() {
        rejects(() -> RateLimiter.warmUp().rate(1, Duration.ofSeconds(1)).warmUp(Duration.ofSeconds(1)).coldFactor(0.5),
                "coldFactor must be finite and at least 1.0 but was 0.5");
        rejects(() -> RateLimiter.warmUp().coldFactor(Double.NaN), "coldFactor");
        rejects(() -> RateLimiter.warmUp().warmUp(Duration.ofSeconds(-1)), "warmUp must be positive");
        rejects(() -> RateLimiter.warmUp().build(), "rate must be set");
        rejects(() -> new RateLimiterConfig.WarmUp(1, Duration.ofSeconds(1), Duration.ZERO, 3), "warmUp must be positive");
    }
}
