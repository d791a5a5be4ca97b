package dev.resilience.benchmarks.lock;

import dev.resilience.lock.DistributedLock;
import dev.resilience.lock.LockClient;
import dev.resilience.lock.LockLease;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
 * The in-process lock (leases, fencing token, renewal registration, waiter notification) beside
 * the JDK's {@code ReentrantLock}, uncontended. Ours does much more per acquisition (a token, a
 * lease, a fencing counter); this shows the price of the shared lease machinery, not a goal to beat
 * {@code ReentrantLock}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class InProcessLockBenchmark {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private LockClient ours;
    private DistributedLock lock;
    private final ReentrantLock jdk = new ReentrantLock();

    @Setup
    public void setUp() {
        ours = LockClient.inProcess().build();
        lock = ours.lock("bench");
    }

    @TearDown
    public void tearDown() {
        ours.close();
    }

    @Benchmark
    public long ours_inProcess() throws InterruptedException {
        try (LockLease lease = lock.acquire(WAIT)) {
            return lease.fencingToken();
        }
    }

    @Benchmark
    public boolean peer_jdk_reentrantLock() {
        jdk.lock();
        try {
            return jdk.isHeldByCurrentThread();
        } finally {
            jdk.unlock();
        }
    }

    /** Two threads contending on one lock: ours waits through its waiter registry. */
    @Threads(2)
    public static class Threads2 extends InProcessLockBenchmark {
    }
}
