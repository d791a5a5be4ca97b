package dev.resilience.benchmarks.floors;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floors of this machine, measured in every run beside everything else: what no rate limiter,
 * breaker or id generator can beat, because each must at least read the clock, update one shared
 * word or call the protected code. The module benchmarks quote their own floors next to their
 * peers; this class puts the bare figures at the top of the report.
 *
 * <p>Goal: none; these are the yardsticks (about 23 ns for {@code nanoTime} and 30 ns with a CAS
 * on this kind of machine, see PEERS.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FloorsBenchmark {

    private final AtomicLong last = new AtomicLong();
    private final AtomicLong counter = new AtomicLong();
    private long value = 42;

    /** Reading the monotonic clock: every time-based policy pays it once per call. */
    @Benchmark
    public long floor_nanoTime() {
        return System.nanoTime();
    }

    /**
     * Reading the clock and publishing it with a successful CAS on one shared word: the least an
     * admitting lock-free limiter does. Under contention the CAS is retried, as a limiter must.
     */
    @Benchmark
    public long floor_nanoTimeCas() {
        long now = System.nanoTime();
        long prev;
        do {
            prev = last.get();
        } while (!last.compareAndSet(prev, Math.max(prev, now)));
        return now;
    }

    /** One atomic increment of a shared counter: the least a sequence-based id generator does. */
    @Benchmark
    public long floor_atomicLongIncrement() {
        return counter.incrementAndGet();
    }

    /** Calling the protected code directly, not inlined: what a decorator adds its cost to. */
    @Benchmark
    public long floor_directCall() {
        return protectedCall();
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private long protectedCall() {
        return value;
    }

    /** The same floors with two threads contending on the same words. */
    @State(Scope.Benchmark)
    @Threads(2)
    public static class Threads2 extends FloorsBenchmark {
    }
}
