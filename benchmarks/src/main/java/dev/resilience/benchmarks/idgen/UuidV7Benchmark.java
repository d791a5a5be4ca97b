package dev.resilience.benchmarks.idgen;

import dev.resilience.idgen.UuidV7;
import java.util.UUID;
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
 * A UUID per call: our monotonic UUIDv7 beside the JDK's {@code UUID.randomUUID()} (version 4,
 * SecureRandom). Goal: faster than the JDK's; both allocate the 32-byte {@code UUID}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class UuidV7Benchmark {

    private UuidV7 ours;

    @Setup
    public void setUp() {
        ours = UuidV7.create();
    }

    @Benchmark
    public UUID ours_uuidV7() {
        return ours.next();
    }

    @Benchmark
    public UUID peer_jdk_randomUUID() {
        return UUID.randomUUID();
    }

    /** Two threads sharing one generator. */
    @Threads(2)
    public static class Threads2 extends UuidV7Benchmark {
    }
}
