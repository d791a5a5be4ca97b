package dev.resilience.benchmarks.lock;

import dev.resilience.lock.LockClient;
import dev.resilience.lock.LockLease;
import dev.resilience.testkit.TestRedis;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Contended hand-off: two threads, each with its own client (as two processes would be), take
 * turns on one lock, waiting when the other holds it. Compares our waiters (release notification
 * plus jittered poll) with Redisson's {@code RLock.lock()} (pub/sub per lock) in the same run.
 * Time per operation per thread; lower is better.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(2)
public class LockHandoffRedisBenchmark {

    private final AtomicInteger nextClient = new AtomicInteger();
    private LockClient[] ours;
    private RedissonClient[] redisson;

    /** The client of one benchmark thread. */
    @State(Scope.Thread)
    public static class Side {
        int index = -1;
    }

    @Setup
    public void setUp() {
        String uri = TestRedis.sharedEndpoint().uri();
        ours = new LockClient[] {LockClient.redis(uri).build(), LockClient.redis(uri).build()};
        redisson = new RedissonClient[2];
        for (int i = 0; i < 2; i++) {
            Config config = new Config();
            config.useSingleServer().setAddress(uri);
            redisson[i] = Redisson.create(config);
        }
    }

    @TearDown
    public void tearDown() {
        for (int i = 0; i < 2; i++) {
            ours[i].close();
            redisson[i].shutdown();
        }
    }

    private int side(Side side) {
        if (side.index < 0) {
            side.index = nextClient.getAndIncrement() % 2;
        }
        return side.index;
    }

    @Benchmark
    public long ours_handoff(Side side) throws InterruptedException {
        try (LockLease lease = ours[side(side)].lock("bench:handoff").acquire(Duration.ofSeconds(30))) {
            return lease.fencingToken();
        }
    }

    @Benchmark
    public boolean peer_redisson_handoff(Side side) {
        RLock lock = redisson[side(side)].getLock("bench:handoff:redisson");
        lock.lock();
        lock.unlock();
        return true;
    }
}
