package dev.resilience.benchmarks.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.google.common.cache.CacheBuilder;
import dev.resilience.cache.CacheStore;
import dev.resilience.cache.ResilientCache;
import dev.resilience.cache.WriteBehindCache;
import dev.resilience.cache.WriteBehindConfig;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
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
 * A cache hit: each of our patterns beside raw Caffeine {@code getIfPresent} (same size bound and
 * a 10-minute expiry) and Guava's cache, over 1024 warm keys.
 *
 * <p>Goal: every {@code ours_*} hit within 1.1× of {@code peer_caffeine_hit}, 0 B/op (the peers'
 * variant, {@code hit}, is none of ours, so each of our patterns is compared with them).
 * {@code ours_jitteredGet} and {@code ours_refreshAheadGet} check each entry's own deadline on the
 * clock (per-entry TTLs and refresh-ahead need it), in place of Caffeine's clock read;
 * {@code floor_caffeineVariableExpiryGetIfPresent} is what per-entry expiry would cost in Caffeine
 * itself, and {@code floor_concurrentHashMapGet} the map lookup under everything.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class CacheHitBenchmark {

    static final int KEYS = 1024;

    String[] keys;
    ConcurrentHashMap<String, String> map;
    Cache<String, String> caffeine;
    Cache<String, String> caffeineVariable;
    com.google.common.cache.Cache<String, String> guava;
    ResilientCache<String, String> readThrough;
    ResilientCache<String, String> refreshAhead;
    ResilientCache<String, String> jittered;
    WriteBehindCache<String, String> writeBehind;

    /** Each thread walks the keys on its own. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup
    public void setUp() {
        keys = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "key-" + i;
        }
        CacheStore<String, String> store = key -> "value-of-" + key;
        map = new ConcurrentHashMap<>();
        caffeine = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(10)).build();
        caffeineVariable = Caffeine.newBuilder().maximumSize(10_000).expireAfter(Expiry.<String, String>creating(
                (key, value) -> Duration.ofMinutes(10))).build();
        guava = CacheBuilder.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(10)).build();
        readThrough = ResilientCache.<String, String>builder().maximumSize(10_000).ttl(Duration.ofMinutes(10))
                .store(store).build();
        refreshAhead = ResilientCache.<String, String>builder().maximumSize(10_000).ttl(Duration.ofMinutes(10))
                .refreshAhead(Duration.ofMinutes(5)).store(store).build();
        jittered = ResilientCache.<String, String>builder().maximumSize(10_000).ttl(Duration.ofMinutes(10))
                .jitter(0.1).store(store).build();
        writeBehind = ResilientCache.<String, String>builder().maximumSize(10_000).ttl(Duration.ofMinutes(10))
                .store(store).buildWriteBehind(WriteBehindConfig.builder().build());
        for (String key : keys) {
            String value = "value-of-" + key;
            map.put(key, value);
            caffeine.put(key, value);
            caffeineVariable.put(key, value);
            guava.put(key, value);
            readThrough.get(key);
            refreshAhead.get(key);
            jittered.get(key);
            writeBehind.get(key);
        }
    }

    @TearDown
    public void tearDown() {
        writeBehind.close();
    }

    private String key(Cursor cursor) {
        return keys[cursor.next++ & (KEYS - 1)];
    }

    @Benchmark
    public String ours_readThroughGet(Cursor cursor) {
        return readThrough.get(key(cursor));
    }

    @Benchmark
    public String ours_getIfPresent(Cursor cursor) {
        return readThrough.getIfPresent(key(cursor));
    }

    @Benchmark
    public String ours_writeBehindGet(Cursor cursor) {
        return writeBehind.get(key(cursor));
    }

    @Benchmark
    public String ours_jitteredGet(Cursor cursor) {
        return jittered.get(key(cursor));
    }

    @Benchmark
    public String ours_refreshAheadGet(Cursor cursor) {
        return refreshAhead.get(key(cursor));
    }

    @Benchmark
    public String peer_caffeine_hit(Cursor cursor) {
        return caffeine.getIfPresent(key(cursor));
    }

    @Benchmark
    public String peer_guava_hit(Cursor cursor) {
        return guava.getIfPresent(key(cursor));
    }

    @Benchmark
    public String floor_caffeineVariableExpiryGetIfPresent(Cursor cursor) {
        return caffeineVariable.getIfPresent(key(cursor));
    }

    @Benchmark
    public String floor_concurrentHashMapGet(Cursor cursor) {
        return map.get(key(cursor));
    }

    /** The same with two threads sharing the caches. */
    @Threads(2)
    public static class Threads2 extends CacheHitBenchmark {
    }
}
