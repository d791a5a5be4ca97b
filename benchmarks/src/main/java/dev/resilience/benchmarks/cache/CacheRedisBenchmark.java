package dev.resilience.benchmarks.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.resilience.cache.CacheStore;
import dev.resilience.cache.TwoLevelCache;
import dev.resilience.cache.ValueCodec;
import dev.resilience.testkit.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
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
 * The two-level cache against a real Redis: a local hit, and a remote hit (the local level holds
 * one entry while the keys cycle over 1024, so every get misses locally and finds Redis's copy),
 * beside a bare Lettuce {@code GET} of the same data ({@code floor_lettuceGet}).
 *
 * <p>Goal: a remote hit within 1.3× of {@code floor_lettuceGet} (one round trip: an EVALSHA that
 * reads, or takes the load lease, in one step); a local hit within 1.1× of a raw Caffeine hit of
 * the same size and expiry ({@code peer_caffeine_twoLevelLocalHit}), 0 B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class CacheRedisBenchmark {

    static final int KEYS = 1024;

    String[] keys;
    RedisClient client;
    StatefulRedisConnection<String, String> connection;
    RedisCommands<String, String> redis;
    TwoLevelCache<String, String> local;
    TwoLevelCache<String, String> remote;
    Cache<String, String> caffeine;

    /** Each thread walks the keys on its own. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup
    public void setUp() {
        client = RedisClient.create(TestRedis.sharedEndpoint().uri());
        connection = client.connect();
        redis = connection.sync();
        keys = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "key-" + i;
        }
        CacheStore<String, String> store = key -> "value-of-" + key;
        local = TwoLevelCache.builder(client, "bench-local", ValueCodec.string()).store(store)
                .localTtl(Duration.ofMinutes(10)).build();
        remote = TwoLevelCache.builder(client, "bench-remote", ValueCodec.string()).store(store)
                .maximumSize(1).build();
        caffeine = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(10)).build();
        for (String key : keys) {
            local.get(key);
            remote.get(key);
            caffeine.put(key, "value-of-" + key);
        }
    }

    @TearDown
    public void tearDown() {
        local.close();
        remote.close();
        connection.close();
        client.shutdown();
    }

    private String key(Cursor cursor) {
        return keys[cursor.next++ & (KEYS - 1)];
    }

    @Benchmark
    public String ours_twoLevelLocalHit(Cursor cursor) {
        return local.get(key(cursor));
    }

    @Benchmark
    public String ours_twoLevelRemoteHit(Cursor cursor) {
        return remote.get(key(cursor));
    }

    @Benchmark
    public String peer_caffeine_twoLevelLocalHit(Cursor cursor) {
        return caffeine.getIfPresent(key(cursor));
    }

    @Benchmark
    public String floor_lettuceGet(Cursor cursor) {
        return redis.get("rc:{bench-remote:" + key(cursor) + "}:d");
    }

    /** The same with two threads. */
    @Threads(2)
    public static class Threads2 extends CacheRedisBenchmark {
    }
}
