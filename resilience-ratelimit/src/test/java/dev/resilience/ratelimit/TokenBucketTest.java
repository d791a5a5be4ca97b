package dev.resilience.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.ErrorCode;
import dev.resilience.api.ManualClock;
import dev.resilience.api.RateLimitedException;
import dev.resilience.api.Registry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private final ManualClock clock = new ManualClock();

    private RateLimiter bucket(long capacity, long permits, Duration period) {
        return RateLimiter.tokenBucket().name("test").capacity(capacity).refill(permits, period).clock(clock).build();
    }

    @Test
    void startsFullThenRefillsOnePermitPerInterval() {
        RateLimiter limiter = bucket(10, 10, Duration.ofSeconds(1));
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.tryAcquire()).isTrue();
        }
        assertThat(limiter.tryAcquire()).isFalse();
        assertThat(limiter.tryAcquireOrRetryAfter(1)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        clock.advanceNanos(TimeUnit.MILLISECONDS.toNanos(100) - 1);
        assertThat(limiter.tryAcquire()).isFalse();
        assertThat(limiter.tryAcquireOrRetryAfter(1)).isEqualTo(1);
        clock.advanceNanos(1);
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
        clock.advance(Duration.ofHours(1));
        assertThat(limiter.availablePermits()).isEqualTo(10);
    }

    @Test
    void capacityIsSeparateFromRefill() {
        RateLimiter limiter = bucket(5, 1, Duration.ofSeconds(1));
        assertThat(limiter.tryAcquire(5)).isTrue();
        assertThat(limiter.tryAcquireOrRetryAfter(2)).isEqualTo(TimeUnit.SECONDS.toNanos(2));
        clock.advance(Duration.ofSeconds(2));
        assertThat(limiter.tryAcquire(2)).isTrue();
        assertThat(limiter.availablePermits()).isZero();
    }

    @Test
    void startsEmptyOrWithChosenPermits() {
        RateLimiter empty = RateLimiter.tokenBucket().capacity(4).refill(4, Duration.ofSeconds(1)).startEmpty()
                .clock(clock).build();
        assertThat(empty.availablePermits()).isZero();
        assertThat(empty.tryAcquireOrRetryAfter(1)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
        RateLimiter two = RateLimiter.tokenBucket().capacity(4).refill(4, Duration.ofSeconds(1)).initialPermits(2)
                .clock(clock).build();
        assertThat(two.tryAcquire(2)).isTrue();
        assertThat(two.tryAcquire()).isFalse();
    }

    @Test
    void refillRoundsTheIntervalUpSoTheRateIsNeverExceeded() {
        RateLimiter limiter = bucket(1, 3, Duration.ofSeconds(1));
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquireOrRetryAfter(1)).isEqualTo(333_333_334L);
        int granted = 0;
        for (int i = 0; i < 3_000; i++) {
            clock.advanceMillis(1);
            granted += limiter.tryAcquire() ? 1 : 0;
        }
        assertThat(granted).isEqualTo(8); // 3 s: 9 intervals of 333,333,334 ns do not quite fit after the first
    }

    @Test
    void hugeAndTinyRates() {
        RateLimiter fast = bucket(1_000_000_000L, 1_000_000_000L, Duration.ofSeconds(1));
        assertThat(fast.tryAcquire(1_000_000_000)).isTrue();
        clock.advanceNanos(7);
        assertThat(fast.availablePermits()).isEqualTo(7);

        RateLimiter slow = bucket(1, 1, Duration.ofDays(365));
        assertThat(slow.tryAcquire()).isTrue();
        assertThat(slow.tryAcquireOrRetryAfter(1)).isEqualTo(Duration.ofDays(365).toNanos());

        assertThatThrownBy(() -> bucket(1, 2, Duration.ofNanos(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one permit per nanosecond");
        assertThatThrownBy(() -> bucket(Long.MAX_VALUE / 2, 1, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
    }

    @Test
    void permitsAboveCapacityAreACallerError() {
        RateLimiter limiter = bucket(10, 10, Duration.ofSeconds(1));
        assertThatThrownBy(() -> limiter.tryAcquire(11))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("permits must be between 1 and 10 (the capacity) but was 11");
        assertThatThrownBy(() -> limiter.tryAcquire(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void severalLimitsAreEnforcedTogether() {
        RateLimiter limiter = RateLimiter.tokenBucket().capacity(2).refill(2, Duration.ofSeconds(1))
                .limit(Bandwidth.of(5, 5, Duration.ofMinutes(1))).clock(clock).build();
        int granted = 0;
        for (int second = 0; second < 60; second++) {
            while (limiter.tryAcquire()) {
                granted++;
            }
            clock.advance(Duration.ofSeconds(1));
        }
        // per minute 5 (+1 refilled at 12 s intervals during the minute: 5 + floor(59 s / 12 s) = 9)
        assertThat(granted).isEqualTo(9);
        // the per-second limit alone would have allowed 2 at once; the minute limit is what refuses
        assertThat(limiter.availablePermits()).isLessThanOrEqualTo(1);
        assertThatThrownBy(() -> limiter.tryAcquire(3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRefusedPartialTakeTakesFromNoLimit() {
        RateLimiter limiter = RateLimiter.tokenBucket().capacity(10).refill(10, Duration.ofSeconds(1))
                .limit(Bandwidth.of(3, 3, Duration.ofHours(1))).clock(clock).build();
        assertThat(limiter.tryAcquire(3)).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
        clock.advance(Duration.ofMinutes(20));
        assertThat(limiter.tryAcquire()).isTrue();
    }

    @Test
    void timeoutReservesOnlyWhatWillBeThereInTime() throws Exception {
        RateLimiter limiter = bucket(2, 2, Duration.ofSeconds(1)); // 500 ms per permit
        assertThat(limiter.tryAcquire(2)).isTrue();
        assertThat(limiter.tryAcquire(1, Duration.ofMillis(499))).isFalse();
        assertThat(clock.sleptNanos()).as("refused at once, no sleeping").isZero();
        assertThat(limiter.tryAcquire(1, Duration.ofMillis(500))).isTrue();
        assertThat(clock.sleptNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
        limiter.acquire(2);
        assertThat(clock.sleptNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(1500));
    }

    @Test
    void reservationsQueueBehindEachOther() {
        RateLimiter limiter = bucket(1, 1, Duration.ofSeconds(1));
        ManualClock frozen = new ManualClock();
        RateLimiter other = RateLimiter.tokenBucket().capacity(1).refill(1, Duration.ofSeconds(1)).clock(frozen).build();
        assertThat(other.tryAcquire()).isTrue();
        assertThat(other.tryAcquireOrRetryAfter(1)).isEqualTo(TimeUnit.SECONDS.toNanos(1));
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire(1, Duration.ofSeconds(5))).isTrue();
        assertThat(limiter.tryAcquire(1, Duration.ofSeconds(5))).isTrue();
        assertThat(clock.sleptNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(2));
    }

    @Test
    void interruptedWaitReturnsFalseAndKeepsTheFlag() {
        RateLimiter limiter = bucket(1, 1, Duration.ofSeconds(1));
        assertThat(limiter.tryAcquire()).isTrue();
        Thread.currentThread().interrupt();
        assertThat(limiter.tryAcquire(1, Duration.ofSeconds(5))).isFalse();
        assertThat(Thread.interrupted()).isTrue();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> limiter.acquire(1)).isInstanceOf(InterruptedException.class);
    }

    @Test
    void callThrowsRateLimitedWithExactRetryAfter() throws Exception {
        RateLimiter limiter = bucket(1, 4, Duration.ofSeconds(1));
        assertThat(limiter.call(() -> "first")).isEqualTo("first");
        assertThatThrownBy(() -> limiter.call(() -> "second"))
                .isInstanceOfSatisfying(RateLimitedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
                    assertThat(e.retryAfterNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
                    assertThat(e.source()).isEqualTo("test");
                    assertThat(e.getStackTrace()).isEmpty();
                });
        CompletableFuture<String> refused = limiter.callAsync(() -> CompletableFuture.completedFuture("x"))
                .toCompletableFuture();
        assertThatThrownBy(refused::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(RateLimitedException.class);
        clock.advanceMillis(250);
        assertThat(limiter.callAsync(() -> CompletableFuture.completedFuture("x")).toCompletableFuture().get())
                .isEqualTo("x");
    }

    @Test
    void decoratesThroughTheApiContract() {
        RateLimiter limiter = bucket(2, 1, Duration.ofHours(1));
        java.util.function.Supplier<String> decorated =
                dev.resilience.api.Decorators.ofSupplier(() -> "ok").with(limiter).decorate();
        assertThat(decorated.get()).isEqualTo("ok");
        int[] runs = {0};
        limiter.run(() -> runs[0]++);
        assertThat(runs[0]).isEqualTo(1);
        assertThatThrownBy(decorated::get).isInstanceOf(RateLimitedException.class);
        assertThat(limiter.metrics().rejected()).isEqualTo(1);
    }

    @Test
    void wallClockJumpChangesNoDecision() {
        RateLimiter limiter = bucket(1, 1, Duration.ofSeconds(1));
        assertThat(limiter.tryAcquire()).isTrue();
        clock.setWallMillis(clock.wallMillis() + TimeUnit.DAYS.toMillis(1));
        assertThat(limiter.tryAcquire()).isFalse();
        clock.setWallMillis(0);
        assertThat(limiter.tryAcquireOrRetryAfter(1)).isEqualTo(TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void pauseRefusesWithTheRemainingTimeThenResumes() {
        RateLimiter limiter = bucket(10, 10, Duration.ofSeconds(1));
        List<RateLimiterEvent> events = new ArrayList<>();
        limiter.subscribe(events::add);
        limiter.pause(Duration.ofSeconds(30)); // downstream said 429, Retry-After: 30
        assertThat(limiter.tryAcquireOrRetryAfter(1)).isEqualTo(TimeUnit.SECONDS.toNanos(30));
        limiter.pause(Duration.ofSeconds(5)); // a shorter pause does not cut the longer one
        clock.advance(Duration.ofSeconds(29));
        assertThat(limiter.tryAcquire()).isFalse();
        assertThat(limiter.tryAcquire(1, Duration.ofSeconds(1))).isTrue();
        assertThat(limiter.tryAcquire(9)).isTrue();
        assertThat(events).hasAtLeastOneElementOfType(RateLimiterEvent.Paused.class)
                .hasAtLeastOneElementOfType(RateLimiterEvent.Rejected.class);
    }

    @Test
    void drainTakesEveryPermitWhichThenRefills() {
        RateLimiter limiter = bucket(10, 10, Duration.ofSeconds(1));
        limiter.drain();
        assertThat(limiter.availablePermits()).isZero();
        assertThat(limiter.tryAcquire()).isFalse();
        clock.advanceMillis(300);
        assertThat(limiter.availablePermits()).isEqualTo(3);
    }

    @Test
    void bypassAdmitsEverythingAndTakesNothing() {
        RateLimiter limiter = bucket(1, 1, Duration.ofSeconds(1));
        limiter.mode(RateLimiter.Mode.BYPASS);
        assertThat(limiter.mode()).isEqualTo(RateLimiter.Mode.BYPASS);
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.tryAcquire()).isTrue();
        }
        limiter.mode(RateLimiter.Mode.ENFORCE);
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
        List<RateLimiterEvent> events = new ArrayList<>();
        limiter.subscribe(events::add);
        limiter.mode(RateLimiter.Mode.BYPASS);
        limiter.drain();
        assertThat(events).containsExactly(new RateLimiterEvent.ModeChanged("test", RateLimiter.Mode.BYPASS),
                new RateLimiterEvent.Drained("test"));
    }

    @Test
    void reconfigureCarriesTokensOver() {
        RateLimiter limiter = bucket(10, 10, Duration.ofSeconds(1));
        List<RateLimiterEvent> events = new ArrayList<>();
        limiter.subscribe(RateLimiterEvent.Reconfigured.class, events::add);
        assertThat(limiter.tryAcquire(6)).isTrue(); // 4 left
        limiter.reconfigure(RateLimiter.tokenBucket().capacity(100).refill(1, Duration.ofSeconds(1)).config());
        assertThat(limiter.availablePermits()).isEqualTo(4);
        assertThat(limiter.tryAcquire(4)).isTrue();
        assertThat(limiter.tryAcquireOrRetryAfter(1)).isEqualTo(TimeUnit.SECONDS.toNanos(1));
        limiter.reconfigure(RateLimiter.tokenBucket().capacity(2).refill(2, Duration.ofSeconds(1)).config());
        clock.advance(Duration.ofMinutes(1));
        assertThat(limiter.availablePermits()).isEqualTo(2);
        assertThat(events).hasSize(2);
        assertThat(limiter.config()).isEqualTo(RateLimiter.tokenBucket().capacity(2).refill(2, Duration.ofSeconds(1)).config());
        assertThatThrownBy(() -> limiter.reconfigure(RateLimiter.fixedWindow().limit(1, Duration.ofSeconds(1)).config()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TokenBucket");
    }

    @Test
    void reconfigureShrinksTokensToTheNewCapacity() {
        RateLimiter limiter = bucket(10, 10, Duration.ofSeconds(1));
        limiter.reconfigure(RateLimiter.tokenBucket().capacity(3).refill(10, Duration.ofSeconds(1)).config());
        assertThat(limiter.availablePermits()).isEqualTo(3);
    }

    @Test
    void metricsCountPermittedRejectedAndAvailable() {
        RateLimiter limiter = bucket(3, 1, Duration.ofSeconds(1));
        limiter.tryAcquire(2);
        limiter.tryAcquire(2);
        limiter.tryAcquire();
        assertThat(limiter.metrics()).isEqualTo(new RateLimiterMetrics(3, 1, 0, 0));
        RateLimiter lean = RateLimiter.tokenBucket().refill(1, Duration.ofSeconds(1)).countPermits(false)
                .clock(clock).build();
        lean.tryAcquire();
        assertThat(lean.metrics().permitted()).isZero();
    }

    @Test
    void registryMakesOneLimiterPerName() {
        Registry<RateLimiter, RateLimiterConfig> limiters =
                RateLimiter.registry(RateLimiter.tokenBucket().refill(5, Duration.ofSeconds(1)).config());
        limiters.addConfig("strict", RateLimiter.fixedWindow().limit(1, Duration.ofSeconds(1)).config());
        RateLimiter search = limiters.get("search");
        assertThat(limiters.get("search")).isSameAs(search);
        assertThat(search.name()).isEqualTo("search");
        assertThat(limiters.get("admin", "strict").config()).isInstanceOf(RateLimiterConfig.FixedWindow.class);
    }

    @Test
    void stripesShareOneBucketBetweenThreads() throws Exception {
        RateLimiter limiter = RateLimiter.tokenBucket().capacity(8).refill(8, Duration.ofSeconds(1)).stripes(4)
                .clock(clock).build();
        assertThat(limiter.availablePermits()).isEqualTo(8);
        assertThat(limiter.tryAcquire(2)).isTrue();
        assertThatThrownBy(() -> limiter.tryAcquire(3)).hasMessage("permits must be between 1 and 2 (the capacity) but was 3");
        int granted = 2;
        while (limiter.tryAcquire()) {
            granted++;
        }
        assertThat(granted).as("one thread takes every stripe's permits").isEqualTo(8);
        assertThat(limiter.tryAcquireOrRetryAfter(1)).as("a stripe refills 2 per second").isEqualTo(500_000_000L);
        assertThat(limiter.tryAcquire(1, Duration.ofMillis(500))).isTrue();
        assertThat(clock.sleptNanos()).isEqualTo(500_000_000L);
        limiter.drain();
        assertThat(limiter.availablePermits()).isZero();
        limiter.reconfigure(RateLimiter.tokenBucket().capacity(16).refill(16, Duration.ofSeconds(1)).stripes(4).config());
        clock.advance(Duration.ofSeconds(1));
        assertThat(limiter.availablePermits()).isEqualTo(16);
        assertThatThrownBy(() -> limiter.reconfigure(RateLimiter.tokenBucket().capacity(16).refill(16, Duration.ofSeconds(1))
                .config())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RateLimiter.tokenBucket().capacity(2).refill(2, Duration.ofSeconds(1)).stripes(4).build())
                .hasMessageContaining("stripes 4 need one limit with a capacity of at least 4");
        assertThatThrownBy(() -> KeyedRateLimiter.builder(RateLimiter.tokenBucket().capacity(8)
                .refill(8, Duration.ofSeconds(1)).stripes(2).config()).build()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void leakyBucketMeterIsTheSameGcra() {
        RateLimiter meter = RateLimiter.leakyBucket().capacity(3).leakRate(1, Duration.ofSeconds(1)).clock(clock).build();
        assertThat(meter.tryAcquire(3)).isTrue();
        assertThat(meter.tryAcquireOrRetryAfter(1)).isEqualTo(TimeUnit.SECONDS.toNanos(1));
    }
}
