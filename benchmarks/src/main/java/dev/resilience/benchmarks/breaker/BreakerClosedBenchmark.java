package dev.resilience.benchmarks.breaker;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.resilience.api.Decorators;
import dev.resilience.breaker.CircuitBreaker;
import dev.resilience.breaker.CircuitBreakerConfig;
import dev.resilience.breaker.SlidingWindow;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
 * A trivial call through a CLOSED breaker, every call a success: ours with a count window of 100
 * calls (no clock read), with a 10 s time window (one clock read) and with a count window plus a
 * slow-call threshold (two clock reads), beside Resilience4j (count and time windows) and
 * Failsafe, with the direct call and {@code System.nanoTime()} as floors.
 *
 * <p>Goal: added time per call (minus {@code floor_directCall}) at most 15 ns for the count
 * window, at most 15 ns beyond its clock reads ({@code floor_nanoTime} each) for the others;
 * 0 B/op; on two threads ({@link Threads2}) aggregate throughput at least 1.5× one thread's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BreakerClosedBenchmark {

    private final Supplier<Integer> work = () -> 42;
    private Supplier<Integer> oursCount;
    private Supplier<Integer> oursTime;
    private Supplier<Integer> oursSlowThreshold;
    private Supplier<Integer> resilience4jCount;
    private Supplier<Integer> resilience4jTime;
    private FailsafeExecutor<Integer> failsafe;

    @Setup
    public void setUp() {
        CircuitBreakerConfig count = CircuitBreakerConfig.builder().slidingWindow(SlidingWindow.countBased(100)).build();
        oursCount = decorate(CircuitBreaker.of("count", count));
        oursTime = decorate(CircuitBreaker.of("time", count.toBuilder()
                .slidingWindow(SlidingWindow.timeBased(Duration.ofSeconds(10))).build()));
        oursSlowThreshold = decorate(CircuitBreaker.of("slow", count.toBuilder()
                .slowCallThreshold(Duration.ofSeconds(1), 50).build()));

        resilience4jCount = io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateSupplier(
                io.github.resilience4j.circuitbreaker.CircuitBreaker.of("count",
                        io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
                                .slidingWindow(100, 100, SlidingWindowType.COUNT_BASED).build()), work);
        resilience4jTime = io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateSupplier(
                io.github.resilience4j.circuitbreaker.CircuitBreaker.of("time",
                        io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
                                .slidingWindow(10, 100, SlidingWindowType.TIME_BASED).build()), work);
        failsafe = Failsafe.with(dev.failsafe.CircuitBreaker.<Integer>builder()
                .withFailureRateThreshold(50, 100, Duration.ofSeconds(10)).build());
    }

    private Supplier<Integer> decorate(CircuitBreaker breaker) {
        return Decorators.ofSupplier(work).with(breaker).decorate();
    }

    @Benchmark
    public Integer floor_directCall() {
        return work.get();
    }

    @Benchmark
    public long floor_nanoTime() {
        return System.nanoTime();
    }

    @Benchmark
    public Integer ours_countWindow() {
        return oursCount.get();
    }

    @Benchmark
    public Integer ours_timeWindow() {
        return oursTime.get();
    }

    @Benchmark
    public Integer ours_countWindowSlowThreshold() {
        return oursSlowThreshold.get();
    }

    @Benchmark
    public Integer peer_resilience4j_countWindow() {
        return resilience4jCount.get();
    }

    @Benchmark
    public Integer peer_resilience4j_timeWindow() {
        return resilience4jTime.get();
    }

    @Benchmark
    public Integer peer_failsafe_timeWindow() {
        return failsafe.get(work::get);
    }

    /** Two threads sharing each breaker. */
    @Threads(2)
    public static class Threads2 extends BreakerClosedBenchmark {
    }
}
