package dev.resilience.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resilience.api.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bound each algorithm states in its Javadoc, checked over random call patterns (random
 * gaps, random permit counts) on a manual clock, for many seeds. Also checks that every refusal's
 * retry-after is exact: one nanosecond less is still refused, the stated time is admitted.
 */
class GuaranteeTest {

    private static final long MS = 1_000_000L;

    /** A grant: when, and how many permits. */
    private record Grant(long at, int permits) {
    }

    /** Checks the recorded grants against an algorithm's bound; returns a violation or null. */
    private interface Bound {
        String check(List<Grant> grants, long origin);
    }

    private record Case(String name, Function<ManualClock, RateLimiter> limiter, int maxPermits, long maxGapNanos,
            boolean exactRetry, Bound bound) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        long t = 100 * MS; // 10 per second
        return Stream.of(
                new Case("token bucket", c -> RateLimiter.tokenBucket().capacity(5).refill(10, Duration.ofSeconds(1))
                        .clock(c).build(), 5, 300 * MS, true, rate(5, t)),
                new Case("two limits", c -> RateLimiter.tokenBucket().capacity(5).refill(10, Duration.ofSeconds(1))
                        .limit(Bandwidth.of(20, 20, Duration.ofSeconds(10))).clock(c).build(), 3, 300 * MS, true,
                        both(rate(5, t), rate(20, 500 * MS))),
                new Case("striped bucket", c -> RateLimiter.tokenBucket().capacity(8).refill(10, Duration.ofSeconds(1))
                        .stripes(2).clock(c).build(), 3, 300 * MS, true, rate(8, t)),
                new Case("leaky meter", c -> RateLimiter.leakyBucket().capacity(3).leakRate(7, Duration.ofSeconds(1))
                        .clock(c).build(), 3, 400 * MS, true, rate(3, 142_857_143L)),
                new Case("pacer", c -> RateLimiter.pacer().rate(10, Duration.ofSeconds(1))
                        .maxQueueDelay(Duration.ofMillis(350)).clock(c).build(), 1, 250 * MS, false, rate(1, t)),
                new Case("fixed window", c -> RateLimiter.fixedWindow().limit(7, Duration.ofSeconds(1)).clock(c).build(),
                        3, 300 * MS, true, fixedWindows(7, 1000 * MS)),
                new Case("sliding log", c -> RateLimiter.slidingLog().limit(7, Duration.ofSeconds(1)).clock(c).build(),
                        3, 300 * MS, true, slidingWindows(7, 1000 * MS)),
                new Case("sliding counter", c -> RateLimiter.slidingCounter().limit(7, Duration.ofSeconds(1)).buckets(5)
                        .clock(c).build(), 3, 300 * MS, true, subWindows(7, 200 * MS, 5)),
                new Case("warm-up", c -> RateLimiter.warmUp().rate(10, Duration.ofSeconds(1)).warmUp(Duration.ofSeconds(2))
                        .clock(c).build(), 1, 300 * MS, true, rate(1, t)))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void boundHoldsOverRandomCallPatterns(Case c) {
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            ManualClock clock = new ManualClock();
            long origin = clock.nanoTime();
            RateLimiter limiter = c.limiter().apply(clock);
            List<Grant> grants = new ArrayList<>();
            for (int call = 0; call < 600; call++) {
                // bursts of back-to-back calls, then gaps of random length
                if (random.nextInt(3) == 0) {
                    clock.advanceNanos((long) (random.nextDouble() * random.nextDouble() * c.maxGapNanos()));
                }
                int permits = 1 + random.nextInt(c.maxPermits());
                if (c.exactRetry()) {
                    long retryAfter = limiter.tryAcquireOrRetryAfter(permits);
                    if (retryAfter == 0) {
                        grants.add(new Grant(clock.nanoTime(), permits));
                    } else if (random.nextInt(4) == 0) {
                        clock.advanceNanos(retryAfter - 1);
                        assertThat(limiter.tryAcquireOrRetryAfter(permits)).as("%s seed %d: retry-after exact", c, seed)
                                .isEqualTo(1);
                        clock.advanceNanos(1);
                        assertThat(limiter.tryAcquireOrRetryAfter(permits)).as("%s seed %d: admitted after", c, seed)
                                .isZero();
                        grants.add(new Grant(clock.nanoTime(), permits));
                    }
                } else if (limiter.tryAcquire(permits)) {
                    grants.add(new Grant(clock.nanoTime(), permits)); // after any wait: when the call may start
                }
            }
            assertThat(grants).as("%s seed %d granted something", c, seed).isNotEmpty();
            assertThat(c.bound().check(grants, origin)).as("%s seed %d", c, seed).isNull();
        }
    }

    @org.junit.jupiter.api.Test
    void theBoundCheckersCatchAViolation() {
        List<Grant> burst = List.of(new Grant(0, 3), new Grant(MS, 3));
        assertThat(rate(5, 100 * MS).check(burst, 0)).isNotNull();
        assertThat(rate(6, 100 * MS).check(burst, 0)).isNull();
        assertThat(slidingWindows(5, 1000 * MS).check(List.of(new Grant(0, 3), new Grant(999 * MS, 3)), 0)).isNotNull();
        assertThat(slidingWindows(5, 1000 * MS).check(List.of(new Grant(0, 3), new Grant(1000 * MS, 3)), 0)).isNull();
        assertThat(subWindows(5, 200 * MS, 5).check(List.of(new Grant(0, 3), new Grant(999 * MS, 3)), 0)).isNotNull();
        assertThat(fixedWindows(5, 1000 * MS).check(List.of(new Grant(999 * MS, 3), new Grant(1000 * MS, 3)), 0)).isNull();
    }

    /** At most {@code capacity + floor(t / interval)} permits in any interval of length t. */
    private static Bound rate(long capacity, long interval) {
        return (grants, origin) -> {
            for (int i = 0; i < grants.size(); i++) {
                long sum = 0;
                for (int j = i; j < grants.size(); j++) {
                    sum += grants.get(j).permits();
                    long span = grants.get(j).at() - grants.get(i).at();
                    if (sum > capacity + span / interval) {
                        return sum + " permits in " + span + " ns > " + capacity + " + " + span + "/" + interval;
                    }
                }
            }
            return null;
        };
    }

    private static Bound both(Bound a, Bound b) {
        return (grants, origin) -> {
            String first = a.check(grants, origin);
            return first != null ? first : b.check(grants, origin);
        };
    }

    /** At most {@code limit} in each aligned window. */
    private static Bound fixedWindows(long limit, long window) {
        return subWindows(limit, window, 1);
    }

    /** At most {@code limit} in any half-open interval (t - window, t]. */
    private static Bound slidingWindows(long limit, long window) {
        return (grants, origin) -> {
            for (int j = 0; j < grants.size(); j++) {
                long sum = 0;
                for (int i = j; i >= 0 && grants.get(i).at() > grants.get(j).at() - window; i--) {
                    sum += grants.get(i).permits();
                }
                if (sum > limit) {
                    return sum + " permits in the window ending at grant " + j;
                }
            }
            return null;
        };
    }

    /** At most {@code limit} in any {@code buckets} consecutive sub-windows of {@code width}. */
    private static Bound subWindows(long limit, long width, int buckets) {
        return (grants, origin) -> {
            for (int j = 0; j < grants.size(); j++) {
                long last = (grants.get(j).at() - origin) / width;
                long sum = 0;
                for (int i = j; i >= 0 && (grants.get(i).at() - origin) / width > last - buckets; i--) {
                    sum += grants.get(i).permits();
                }
                if (sum > limit) {
                    return sum + " permits in the " + buckets + " sub-windows ending at " + last;
                }
            }
            return null;
        };
    }
}
