package dev.resilience.benchmarks.idgen;

import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * The floor every id source is measured against: one {@code AtomicLong} increment, the least a
 * shared counter can cost. Benchmark classes of this package extend it so the floor runs in the
 * same run as what it is compared with.
 */
public abstract class AtomicLongFloor {

    private final AtomicLong counter = new AtomicLong();

    @Benchmark
    public long floor_atomicLongIncrement() {
        return counter.incrementAndGet();
    }
}
