package dev.resilience.benchmarks.cache;

import dev.resilience.cache.CacheStore;
import dev.resilience.cache.OverflowPolicy;
import dev.resilience.cache.ResilientCache;
import dev.resilience.cache.WriteBehindCache;
import dev.resilience.cache.WriteBehindConfig;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * A write-behind {@code put}: a map update and a queue offer, acknowledged before the store sees
 * it, beside {@code floor_concurrentHashMapPut} (the map update alone). Keys follow a Zipf
 * distribution (s = 1.0 over 10 000 keys), so hot keys coalesce; the {@code puts} and
 * {@code storeWrites} counters give how many store writes one put costs (1.0 without coalescing).
 *
 * <p>Goal: a put within 3× of the bare map put, and far fewer store writes than puts under skew.
 * Read the coalescing ratio from the single-thread run: with several threads JMH collects the
 * counters before the iteration's teardown (where the buffer is flushed), so {@code Threads2}
 * reports its puts but no store writes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class WriteBehindBenchmark {

    static final int KEYS = 10_000;
    static final int DRAWS = 1 << 16;

    String[] zipfKeys;
    WriteBehindCache<String, String> cache;
    ConcurrentHashMap<String, String> map;

    /** Each thread walks the Zipf draws on its own. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    /**
     * Puts made by this thread, and (reported by the first thread) the store writes all puts caused,
     * both summed over the measured iterations: {@code storeWrites / puts} is what one put costs the store.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Coalescing {
        public long puts;
        public long storeWrites;
        long writtenAtStart;

        @Setup(Level.Iteration)
        public void start(WriteBehindBenchmark bench) {
            puts = 0;
            storeWrites = 0;
            writtenAtStart = bench.cache.writeBehindMetrics().written();
        }

        @TearDown(Level.Iteration)
        public void stop(WriteBehindBenchmark bench, ThreadParams thread) {
            bench.cache.flush();
            // The store writes are the buffer's, not a thread's: the first thread reports them all.
            storeWrites = thread.getThreadIndex() == 0 ? bench.cache.writeBehindMetrics().written() - writtenAtStart : 0;
        }
    }

    @Setup
    public void setUp() {
        double[] cumulative = new double[KEYS];
        double sum = 0;
        for (int i = 0; i < KEYS; i++) {
            sum += 1.0 / (i + 1);
            cumulative[i] = sum;
        }
        SplittableRandom random = new SplittableRandom(42);
        zipfKeys = new String[DRAWS];
        String[] names = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            names[i] = "key-" + i;
        }
        for (int d = 0; d < DRAWS; d++) {
            double u = random.nextDouble() * sum;
            int lo = 0;
            int hi = KEYS - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] < u) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            zipfKeys[d] = names[lo];
        }
        CacheStore<String, String> store = new CacheStore<>() {
            @Override
            public String load(String key) {
                return null;
            }

            @Override
            public void writeAll(Map<? extends String, ? extends String> entries) {
                // the system of record would be here; the benchmark measures the buffer
            }
        };
        cache = ResilientCache.<String, String>builder().maximumSize(20_000).store(store)
                .buildWriteBehind(WriteBehindConfig.builder().batchSize(500).maxDelay(Duration.ofMillis(50))
                        .capacity(KEYS * 2).overflow(OverflowPolicy.BLOCK).build());
        map = new ConcurrentHashMap<>();
    }

    @TearDown
    public void tearDown() {
        cache.close();
    }

    @Benchmark
    public void ours_writeBehindPutZipf(Cursor cursor, Coalescing coalescing) {
        coalescing.puts++;
        cache.put(zipfKeys[cursor.next++ & (DRAWS - 1)], "v");
    }

    @Benchmark
    public String floor_concurrentHashMapPut(Cursor cursor) {
        return map.put(zipfKeys[cursor.next++ & (DRAWS - 1)], "v");
    }

    /** The same with two threads writing into one buffer. */
    @Threads(2)
    public static class Threads2 extends WriteBehindBenchmark {
    }
}
