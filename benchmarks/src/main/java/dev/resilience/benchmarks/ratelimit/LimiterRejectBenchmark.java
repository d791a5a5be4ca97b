package dev.resilience.benchmarks.ratelimit;

import dev.resilience.ratelimit.RateLimiter;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A permit check when permits are exhausted (one per hour, already taken), so every call is
 * refused: our token bucket (refusing is one clock read and one volatile read, no write; with and
 * without counting the refusal), with its exact retry-after, and the fixed window, beside
 * Resilience4j, Bucket4j, Guava and Failsafe, with {@code System.nanoTime()} as the floor.
 *
 * <p>Goal: refuse within 1.15× {@code floor_nanoTime}; 0 B/op; two threads ({@link Threads2})
 * scale, since a refusal writes nothing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LimiterRejectBenchmark {

    private RateLimiter ours;
    private RateLimiter oursUncounted;
    private RateLimiter oursWindow;
    private io.github.resilience4j.ratelimiter.RateLimiter resilience4j;
    private Bucket bucket4j;
    private com.google.common.util.concurrent.RateLimiter guava;
    private dev.failsafe.RateLimiter<Object> failsafe;

    /** Builds every limiter with one permit per hour and takes it. */
    @Setup
    public void setUp() {
        ours = RateLimiter.tokenBucket().capacity(1).refill(1, Duration.ofHours(1)).build();
        oursUncounted = RateLimiter.tokenBucket().capacity(1).refill(1, Duration.ofHours(1)).countPermits(false).build();
        oursWindow = RateLimiter.fixedWindow().limit(1, Duration.ofHours(1)).countPermits(false).build();
        resilience4j = io.github.resilience4j.ratelimiter.RateLimiter.of("reject",
                io.github.resilience4j.ratelimiter.RateLimiterConfig.custom().limitForPeriod(1)
                        .limitRefreshPeriod(Duration.ofHours(1)).timeoutDuration(Duration.ZERO).build());
        bucket4j = Bucket.builder().addLimit(limit -> limit.capacity(1).refillGreedy(1, Duration.ofHours(1))).build();
        guava = com.google.common.util.concurrent.RateLimiter.create(1.0 / 3600);
        failsafe = dev.failsafe.RateLimiter.burstyBuilder(1, Duration.ofHours(1)).build();
        ours.tryAcquire();
        oursUncounted.tryAcquire();
        oursWindow.tryAcquire();
        resilience4j.acquirePermission();
        bucket4j.tryConsume(1);
        guava.tryAcquire();
        failsafe.tryAcquirePermit();
    }

    @Benchmark
    public long floor_nanoTime() {
        return System.nanoTime();
    }

    @Benchmark
    public boolean ours_tokenBucket() {
        return ours.tryAcquire();
    }

    @Benchmark
    public boolean ours_tokenBucketUncounted() {
        return oursUncounted.tryAcquire();
    }

    @Benchmark
    public long ours_tokenBucketRetryAfter() {
        return oursUncounted.tryAcquireOrRetryAfter(1);
    }

    @Benchmark
    public boolean ours_fixedWindow() {
        return oursWindow.tryAcquire();
    }

    @Benchmark
    public boolean peer_resilience4j_tokenBucket() {
        return resilience4j.acquirePermission();
    }

    @Benchmark
    public boolean peer_bucket4j_tokenBucket() {
        return bucket4j.tryConsume(1);
    }

    @Benchmark
    public boolean peer_guava_smooth() {
        return guava.tryAcquire();
    }

    @Benchmark
    public boolean peer_failsafe_bursty() {
        return failsafe.tryAcquirePermit();
    }

    /** The same, two threads on one limiter. */
    @Threads(2)
    public static class Threads2 extends LimiterRejectBenchmark {
    }
}
