package dev.resilience.benchmarks.ratelimit;

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
 * refused: our token bucket (refusing is one clock read and volatile reads, no write; with and
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
public class LimiterRejectBenchmark extends LimiterBenchmark {

    /** Builds every limiter with one permit per hour and takes it. */
    @Setup
    public void setUp() {
        build(1, Duration.ofHours(1));
        ours.tryAcquire();
        oursUncounted.tryAcquire();
        oursWindow.tryAcquire();
        resilience4j.acquirePermission();
        bucket4j.tryConsume(1);
        guava.tryAcquire();
        failsafe.tryAcquirePermit();
    }

    @Benchmark
    public long ours_tokenBucketRetryAfter() {
        return oursUncounted.tryAcquireOrRetryAfter(1);
    }

    /** The same, two threads on one limiter. */
    @Threads(2)
    public static class Threads2 extends LimiterRejectBenchmark {
    }
}
