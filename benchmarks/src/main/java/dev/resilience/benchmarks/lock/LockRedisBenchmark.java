package dev.resilience.benchmarks.lock;

import dev.resilience.lock.LockClient;
import dev.resilience.lock.LockLease;
import dev.resilience.testkit.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.annotations.Threads;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Uncontended acquire + release of a Redis lock on the same local Redis, in the same run:
 * {@code ours_acquireRelease} (acquire script with the fencing token, compare-and-delete release
 * that also notifies waiters), Redisson's {@code RLock} tryLock/unlock, and the floor, a raw
 * Lettuce {@code SET NX PX} plus a Lua compare-and-delete (no fencing, no notification).
 *
 * <p>Goal: ours within 1.1× {@code floor_setNxPxLuaRelease} and at most 0.7× Redisson.
 * Each thread locks its own key, so {@link Threads2} measures two uncontended holders at once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LockRedisBenchmark {

    private static final String RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "return redis.call('DEL', KEYS[1]) end return 0";

    private LockClient ours;
    private RedissonClient redisson;
    private RedisClient lettuce;
    private RedisCommands<String, String> raw;
    private String releaseSha;

    /** Each benchmark thread's own key, so the threads never contend. */
    @State(Scope.Thread)
    public static class Key {
        private static final java.util.concurrent.atomic.AtomicInteger NEXT = new java.util.concurrent.atomic.AtomicInteger();
        final String name = "bench:" + NEXT.incrementAndGet();
        final String[] rawKeys = {"floor:{" + name + "}"};
        long sequence;
    }

    @Setup
    public void setUp() {
        String uri = TestRedis.sharedEndpoint().uri();
        ours = LockClient.redis(uri).build();
        Config config = new Config();
        config.useSingleServer().setAddress(uri);
        redisson = Redisson.create(config);
        lettuce = RedisClient.create(uri);
        raw = lettuce.connect().sync();
        releaseSha = raw.scriptLoad(RELEASE);
    }

    @TearDown
    public void tearDown() {
        ours.close();
        redisson.shutdown();
        lettuce.shutdown();
    }

    @Benchmark
    public long ours_acquireRelease(Key key) {
        try (LockLease lease = ours.lock(key.name).tryAcquire().orElseThrow()) {
            return lease.fencingToken();
        }
    }

    @Benchmark
    public boolean peer_redisson_lockUnlock(Key key) {
        RLock lock = redisson.getLock(key.name);
        boolean locked = lock.tryLock();
        lock.unlock();
        return locked;
    }

    @Benchmark
    public long floor_setNxPxLuaRelease(Key key) {
        String token = "t" + key.sequence++;
        raw.set(key.rawKeys[0], token, SetArgs.Builder.nx().px(30_000));
        return raw.<Long>evalsha(releaseSha, ScriptOutputType.INTEGER, key.rawKeys, token);
    }

    /** Two threads, each with its own key. */
    @Threads(2)
    public static class Threads2 extends LockRedisBenchmark {
    }
}
