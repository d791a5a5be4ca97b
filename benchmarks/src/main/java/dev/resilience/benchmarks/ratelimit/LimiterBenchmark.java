package dev.resilience.benchmarks.ratelimit;

import dev.resilience.ratelimit.RateLimiter;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * What {@link LimiterAdmitBenchmark} and {@link LimiterRejectBenchmark} share: our limiters and
 * the peers, each built with the same limit, and the clock-read floor. Not a benchmark itself.
 */
public abstract class LimiterBenchmark {

    RateLimiter ours;
    RateLimiter oursUncounted;
    RateLimiter oursWindow;
    io.github.resilience4j.ratelimiter.RateLimiter resilience4j;
    Bucket bucket4j;
    com.google.common.util.concurrent.RateLimiter guava;
    dev.failsafe.RateLimiter<Object> failsafe;

    /** Builds every limiter with {@code permits} per {@code period} and as much burst. */
    void build(long permits, Duration period) {
        ours = RateLimiter.tokenBucket().capacity(permits).refill(permits, period).build();
        oursUncounted = RateLimiter.tokenBucket().capacity(permits).refill(permits, period).countPermits(false).build();
        oursWindow = RateLimiter.fixedWindow().limit(Math.min(permits, Integer.MAX_VALUE), period.multipliedBy(10))
                .countPermits(false).build();
        resilience4j = io.github.resilience4j.ratelimiter.RateLimiter.of("limit",
                io.github.resilience4j.ratelimiter.RateLimiterConfig.custom()
                        .limitForPeriod((int) Math.min(permits, Integer.MAX_VALUE))
                        .limitRefreshPeriod(period).timeoutDuration(Duration.ZERO).build());
        bucket4j = Bucket.builder().addLimit(limit -> limit.capacity(permits).refillGreedy(permits, period)).build();
        guava = com.google.common.util.concurrent.RateLimiter.create(permits * 1e9 / period.toNanos());
        failsafe = dev.failsafe.RateLimiter.burstyBuilder(permits, period).build();
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
}
