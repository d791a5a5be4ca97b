package dev.resilience.benchmarks.breaker;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import dev.resilience.api.Decorators;
import dev.resilience.breaker.Retry;
import dev.resilience.breaker.RetryConfig;
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
 * A retry's happy path: a trivial call that succeeds at once, through ours (3 attempts, no
 * deadline) and Failsafe's {@code RetryPolicy} (3 attempts), beside the direct call.
 *
 * <p>Goal: within a few ns of {@code floor_directCall}, 0 B/op (no clock read, no attempt
 * object, no event without a listener).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RetryBenchmark {

    private final Supplier<Integer> work = () -> 42;
    private Supplier<Integer> ours;
    private FailsafeExecutor<Integer> failsafe;

    @Setup
    public void setUp() {
        ours = Decorators.ofSupplier(work).with(Retry.of("retry", RetryConfig.builder().maxAttempts(3).build()))
                .decorate();
        failsafe = Failsafe.with(RetryPolicy.<Integer>builder().withMaxAttempts(3).build());
    }

    @Benchmark
    public Integer floor_directCall() {
        return work.get();
    }

    @Benchmark
    public Integer ours_retryHappyPath() {
        return ours.get();
    }

    @Benchmark
    public Integer peer_failsafe_retryHappyPath() {
        return failsafe.get(work::get);
    }

    /** Two threads sharing each retry. */
    @Threads(2)
    public static class Threads2 extends RetryBenchmark {
    }
}
