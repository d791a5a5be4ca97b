package dev.resilience.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resilience.api.ManualClock;
import dev.resilience.testkit.Concurrently;
import java.time.Duration;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many threads race for permits while the clock stands still (so every grant falls in one window);
 * the clock then moves one window on and they race again. The invariant: exactly the allowed
 * number of permits each round, never one more, whatever the interleaving.
 */
class ConcurrencyTest {

    private static final int THREADS = 8;

    static Stream<Arguments> limiters() {
        return Stream.of(
                Arguments.of("token bucket", (Function<ManualClock, RateLimiter>) c -> RateLimiter.tokenBucket()
                        .capacity(500).refill(500, Duration.ofSeconds(1)).clock(c).build(), 500),
                Arguments.of("two limits", (Function<ManualClock, RateLimiter>) c -> RateLimiter.tokenBucket()
                        .capacity(500).refill(500, Duration.ofSeconds(1))
                        .limit(Bandwidth.of(800, 800, Duration.ofHours(1))).clock(c).build(), 400),
                Arguments.of("striped bucket", (Function<ManualClock, RateLimiter>) c -> RateLimiter.tokenBucket()
                        .capacity(500).refill(500, Duration.ofSeconds(1)).stripes(4).clock(c).build(), 500),
                Arguments.of("fixed window", (Function<ManualClock, RateLimiter>) c -> RateLimiter.fixedWindow()
                        .limit(500, Duration.ofSeconds(1)).clock(c).build(), 500),
                Arguments.of("sliding log", (Function<ManualClock, RateLimiter>) c -> RateLimiter.slidingLog()
                        .limit(500, Duration.ofSeconds(1)).clock(c).build(), 500),
                Arguments.of("sliding counter", (Function<ManualClock, RateLimiter>) c -> RateLimiter.slidingCounter()
                        .limit(500, Duration.ofSeconds(1)).clock(c).build(), 500),
                Arguments.of("warm-up", (Function<ManualClock, RateLimiter>) c -> RateLimiter.warmUp()
                        .rate(500, Duration.ofSeconds(1)).warmUp(Duration.ofSeconds(1)).clock(c).build(), 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("limiters")
    void neverMorePermitsThanAllowedPerWindow(String name, Function<ManualClock, RateLimiter> factory, int perRound) {
        ManualClock clock = new ManualClock();
        RateLimiter limiter = factory.apply(clock);
        for (int round = 0; round < 3; round++) {
            int granted = Concurrently.run(THREADS, thread -> {
                int mine = 0;
                for (int i = 0; i < 2_000; i++) {
                    mine += limiter.tryAcquire() ? 1 : 0;
                }
                return mine;
            }).valuesOrThrow().stream().mapToInt(Integer::intValue).sum();
            // the two-limit bucket: 500 at once, then the hour's 800 run out after 300 more
            int expected = name.equals("two limits") ? (round == 0 ? 500 : round == 1 ? 300 : 0) : perRound;
            assertThat(granted).as("%s round %d", name, round).isEqualTo(expected);
            assertThat(limiter.metrics().permitted()).isGreaterThanOrEqualTo(granted);
            clock.advance(Duration.ofSeconds(1));
        }
    }
}
