package dev.resilience.benchmarks.breaker;

import dev.failsafe.CircuitBreakerOpenException;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.resilience.api.CircuitOpenException;
import dev.resilience.api.Decorators;
import dev.resilience.breaker.CircuitBreaker;
import dev.resilience.breaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
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
 * A decorated call refused by an OPEN breaker (its wait an hour away), the rejection caught:
 * ours, Resilience4j (stack traces off, its fastest) and Failsafe, with {@code System.nanoTime()}
 * as the floor (an OPEN breaker must read the clock to know whether its wait is over).
 *
 * <p>Goal: within 30 ns, 0 B/op (ours throws a preallocated, stack-trace-free exception whose
 * retry-after is computed when read).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BreakerOpenBenchmark {

    private final Supplier<Integer> work = () -> 42;
    private Supplier<Integer> ours;
    private Supplier<Integer> resilience4j;
    private FailsafeExecutor<Integer> failsafe;

    @Setup
    public void setUp() {
        CircuitBreaker breaker = CircuitBreaker.of("open", CircuitBreakerConfig.defaults());
        breaker.openFor(Duration.ofHours(1));
        ours = Decorators.ofSupplier(work).with(breaker).decorate();

        io.github.resilience4j.circuitbreaker.CircuitBreaker r4j = io.github.resilience4j.circuitbreaker.CircuitBreaker
                .of("open", io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
                        .waitDurationInOpenState(Duration.ofHours(1)).writableStackTraceEnabled(false).build());
        r4j.transitionToOpenState();
        resilience4j = io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateSupplier(r4j, work);

        dev.failsafe.CircuitBreaker<Integer> fs = dev.failsafe.CircuitBreaker.<Integer>builder()
                .withDelay(Duration.ofHours(1)).build();
        fs.open();
        failsafe = Failsafe.with(fs);
    }

    @Benchmark
    public long floor_nanoTime() {
        return System.nanoTime();
    }

    @Benchmark
    public Object ours_openRejection() {
        try {
            return ours.get();
        } catch (CircuitOpenException e) {
            return e;
        }
    }

    @Benchmark
    public Object peer_resilience4j_openRejection() {
        try {
            return resilience4j.get();
        } catch (CallNotPermittedException e) {
            return e;
        }
    }

    @Benchmark
    public Object peer_failsafe_openRejection() {
        try {
            return failsafe.get(work::get);
        } catch (CircuitBreakerOpenException e) {
            return e;
        }
    }

    /** Two threads sharing each breaker. */
    @Threads(2)
    public static class Threads2 extends BreakerOpenBenchmark {
    }
}
