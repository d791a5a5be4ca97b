package dev.resilience.benchmarks.ratelimit;

import com.alibaba.csp.sentinel.Entry;
import com.alibaba.csp.sentinel.SphU;
import com.alibaba.csp.sentinel.slots.block.BlockException;
import com.alibaba.csp.sentinel.slots.block.RuleConstant;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRule;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRuleManager;
import dev.resilience.ratelimit.RateLimiter;
import java.time.Duration;
import java.util.List;
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
 * A permit check when permits are plentiful (a billion per second, so every call is admitted):
 * our token bucket (GCRA in one {@code long}; with and without permit counting; striped over 8
 * cache lines for many threads) and fixed window beside Resilience4j, Bucket4j, Guava, Failsafe
 * (bursty) and Sentinel, with the floors {@code System.nanoTime()} and nanoTime plus one
 * {@code AtomicLong} CAS.
 *
 * <p>Goal: admit within 1.1× {@code floor_nanoTimeCas}; 0 B/op; on two threads ({@link Threads2})
 * at least 1.5× the best peer's aggregate.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LimiterAdmitBenchmark extends LimiterBenchmark {

    private static final long PLENTY = 1_000_000_000L;

    private final AtomicLong cas = new AtomicLong();
    private RateLimiter oursStriped;

    /** Builds every limiter with the same plentiful limit. */
    @Setup
    public void setUp() {
        build(PLENTY, Duration.ofSeconds(1));
        oursStriped = RateLimiter.tokenBucket().capacity(PLENTY).refill(PLENTY, Duration.ofSeconds(1))
                .stripes(8).countPermits(false).build();
        FlowRule rule = new FlowRule("admit");
        rule.setGrade(RuleConstant.FLOW_GRADE_QPS);
        rule.setCount(PLENTY);
        FlowRuleManager.loadRules(List.of(rule));
    }

    @Benchmark
    public boolean floor_nanoTimeCas() {
        long now = System.nanoTime();
        long current = cas.get();
        return cas.compareAndSet(current, now);
    }

    @Benchmark
    public boolean ours_tokenBucketStriped() {
        return oursStriped.tryAcquire();
    }

    @Benchmark
    public boolean peer_sentinel_qps() {
        try (Entry entry = SphU.entry("admit")) {
            return entry != null;
        } catch (BlockException e) {
            return false;
        }
    }

    /** The same, two threads on one limiter. */
    @Threads(2)
    public static class Threads2 extends LimiterAdmitBenchmark {
    }
}
