package dev.resilience.benchmarks.idgen;

import dev.resilience.idgen.RedisSegmentAllocator;
import dev.resilience.idgen.SegmentAllocator;
import dev.resilience.testkit.TestRedis;
import io.lettuce.core.RedisClient;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Segment allocator {@code nextId()} on a Redis counter (ranges prefetched in the background)
 * beside a plain {@code AtomicLong} increment. Goal: at least 100 M ids/s on one thread (10 ns
 * per id), about the {@code AtomicLong}'s cost, 0 B/op: Redis is off the hot path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SegmentAllocatorRedisBenchmark extends AtomicLongFloor {

    private RedisClient client;
    private SegmentAllocator ours;

    @Setup
    public void setUp() {
        client = RedisClient.create(TestRedis.sharedEndpoint().uri());
        ours = RedisSegmentAllocator.builder(client, "benchmark-" + System.nanoTime())
                .step(1_000_000).maxStep(1_000_000_000).build();
    }

    @TearDown
    public void tearDown() {
        ours.close();
        client.shutdown();
    }

    @Benchmark
    public long ours_segmentNextId() {
        return ours.nextId();
    }

    /** Two threads sharing one allocator. */
    @Threads(2)
    public static class Threads2 extends SegmentAllocatorRedisBenchmark {
    }
}
