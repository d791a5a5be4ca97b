package dev.resilience.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.ManualClock;
import dev.resilience.testkit.Concurrently;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class KeyedRateLimiterTest {

    private final ManualClock clock = new ManualClock();
    private final RateLimiterConfig fivePerSecond =
            RateLimiter.tokenBucket().capacity(5).refill(5, Duration.ofSeconds(1)).config();

    private KeyedRateLimiter<String> keyed(int maxKeys) {
        return KeyedRateLimiter.<String>builder(fivePerSecond).maxKeys(maxKeys).clock(clock).build();
    }

    @Test
    void eachKeyHasItsOwnBucket() {
        KeyedRateLimiter<String> limiter = keyed(100);
        assertThat(limiter.tryAcquire("alice", 5)).isTrue();
        assertThat(limiter.tryAcquireOrRetryAfter("alice", 1)).isEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(limiter.tryAcquire("bob", 5)).isTrue();
        assertThat(limiter.availablePermits("carol")).isEqualTo(5);
        assertThat(limiter.size()).isEqualTo(2);
        assertThatThrownBy(() -> limiter.tryAcquire("alice", 6)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyNeutralKeysAreForgottenSoNoDecisionChanges() {
        KeyedRateLimiter<String> limiter = keyed(100);
        limiter.tryAcquire("full");          // refills in 200 ms
        limiter.tryAcquire("drained", 5);    // refills in 1 s
        clock.advanceMillis(200);
        assertThat(limiter.cleanUp()).isEqualTo(1);
        assertThat(limiter.size()).isEqualTo(1);
        assertThat(limiter.availablePermits("drained")).isEqualTo(1);
        assertThat(limiter.tryAcquire("drained", 2)).isFalse();
        clock.advanceMillis(800);
        assertThat(limiter.cleanUp()).isEqualTo(1);
        assertThat(limiter.size()).isZero();
    }

    @Test
    void aFullMapRefusesNewKeysUntilOneTurnsNeutral() {
        KeyedRateLimiter<String> limiter = keyed(2);
        assertThat(limiter.tryAcquire("a", 5)).isTrue();
        clock.advanceMillis(400);
        assertThat(limiter.tryAcquire("b", 5)).isTrue();
        assertThat(limiter.tryAcquireOrRetryAfter("c", 1)).as("a is neutral in 600 ms")
                .isEqualTo(Duration.ofMillis(600).toNanos());
        assertThat(limiter.tryAcquire("a", 3)).as("known keys still decide: a has 2").isFalse();
        clock.advanceMillis(600);
        assertThat(limiter.tryAcquire("c")).isTrue();
        assertThat(limiter.size()).isEqualTo(2);
        assertThat(limiter.availablePermits("b")).isEqualTo(3);
    }

    @Test
    void idleKeysAreSweptWhenNewKeysArrive() {
        KeyedRateLimiter<String> limiter = KeyedRateLimiter.<String>builder(fivePerSecond)
                .cleanUpInterval(Duration.ofSeconds(10)).clock(clock).build();
        for (int i = 0; i < 1_000; i++) {
            limiter.tryAcquire("user-" + i);
        }
        clock.advance(Duration.ofSeconds(10));
        limiter.tryAcquire("late");
        assertThat(limiter.size()).isEqualTo(1);
    }

    @Test
    void fixedWindowTemplateAndRejectedTemplates() {
        KeyedRateLimiter<Integer> windows = KeyedRateLimiter.<Integer>builder(
                RateLimiter.fixedWindow().limit(2, Duration.ofSeconds(1)).config()).clock(clock).build();
        assertThat(windows.tryAcquire(1, 2)).isTrue();
        assertThat(windows.tryAcquire(1)).isFalse();
        assertThat(windows.tryAcquire(2)).isTrue();
        assertThatThrownBy(() -> KeyedRateLimiter.builder(RateLimiter.slidingLog().limit(2, Duration.ofSeconds(1))
                .config()).build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one long per key");
        assertThatThrownBy(() -> KeyedRateLimiter.builder(fivePerSecond).maxKeys(0))
                .hasMessage("maxKeys must be positive but was 0");
    }

    @Test
    void evictionRacingDecisionsNeverGrantsMoreThanTheBucket() {
        KeyedRateLimiter<Integer> limiter = KeyedRateLimiter.<Integer>builder(fivePerSecond).clock(clock).build();
        AtomicBoolean done = new AtomicBoolean();
        Thread sweeper = new Thread(() -> {
            while (!done.get()) {
                limiter.cleanUp();
            }
        });
        sweeper.start();
        try {
            int granted = Concurrently.run(8, thread -> {
                int mine = 0;
                for (int i = 0; i < 20_000; i++) {
                    mine += limiter.tryAcquire(i % 50) ? 1 : 0;
                }
                return mine;
            }).valuesOrThrow().stream().mapToInt(Integer::intValue).sum();
            assertThat(granted).as("50 keys × 5 permits, the clock frozen").isEqualTo(250);
        } finally {
            done.set(true);
        }
    }

    @Test
    void aMillionKeysTakeAtMost128BytesEachBeyondTheKey() {
        int n = 1_000_000;
        Long[] keys = new Long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = (long) i * 31 + 1_000_000_000L;
        }
        KeyedRateLimiter<Long> limiter = KeyedRateLimiter.<Long>builder(fivePerSecond).maxKeys(2 * n)
                .clock(clock).build();
        long before = usedHeap();
        for (Long key : keys) {
            limiter.tryAcquire(key);
        }
        long after = usedHeap();
        double bytesPerKey = (after - before) / (double) n;
        System.out.printf("keyed limiter: %.1f bytes per key over %d keys%n", bytesPerKey, n);
        assertThat(limiter.size()).isEqualTo(n);
        assertThat(bytesPerKey).isBetween(16.0, 128.0);
        assertThat(keys).hasSize(n); // the keys stay reachable until after the measurement
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }
}
