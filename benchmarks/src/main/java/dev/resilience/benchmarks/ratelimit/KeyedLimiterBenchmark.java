package dev.resilience.benchmarks.ratelimit;

import dev.resilience.ratelimit.KeyedRateLimiter;
import dev.resilience.ratelimit.RateLimiter;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * A permit check on a keyed limiter (10,000 known keys, cycled; plentiful permits), beside its
 * floor: the map lookup of the key's cell plus nanoTime and one CAS on it.
 *
 * <p>Goal: within 1.1× {@code floor_mapGetNanoTimeCas}; 0 B/op for a known key.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class KeyedLimiterBenchmark {

    private static final int KEYS = 10_000;

    private final String[] keys = new String[KEYS];
    private final ConcurrentHashMap<String, AtomicLong> map = new ConcurrentHashMap<>();
    private KeyedRateLimiter<String> ours;
    private int next;

    /** Creates every key's state once. */
    @Setup
    public void setUp() {
        ours = KeyedRateLimiter.<String>builder(RateLimiter.tokenBucket().capacity(1_000_000_000L)
                .refill(1_000_000_000L, Duration.ofSeconds(1)).config()).build();
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "user-" + i;
            ours.tryAcquire(keys[i]);
            map.put(keys[i], new AtomicLong());
        }
    }

    private String nextKey() {
        int i = next + 1;
        next = i == KEYS ? 0 : i;
        return keys[next];
    }

    @Benchmark
    public boolean floor_mapGetNanoTimeCas() {
        AtomicLong cell = map.get(nextKey());
        long current = cell.get();
        return cell.compareAndSet(current, System.nanoTime());
    }

    @Benchmark
    public boolean ours_keyedTokenBucket() {
        return ours.tryAcquire(nextKey());
    }

    /** The same, two threads on one keyed limiter. */
    @Threads(2)
    public static class Threads2 extends KeyedLimiterBenchmark {
    }
}
