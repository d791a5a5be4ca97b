package dev.resilience.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resilience.api.ManualClock;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The hot paths allocate nothing: measured with the JVM's per-thread allocation counter over
 * many calls (JMH's {@code -prof gc} shows the same in the benchmarks).
 */
class HotPathAllocationTest {

    private final ManualClock clock = new ManualClock();

    private static long allocatedBy(BooleanSupplier call, int times) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        for (int i = 0; i < times; i++) {
            call.getAsBoolean(); // warm up, so class loading and compilation are done
        }
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < times; i++) {
            call.getAsBoolean();
        }
        return threads.getThreadAllocatedBytes(id) - before;
    }

    @Test
    void admittingAndRefusingAllocateNothing() {
        RateLimiter plenty = RateLimiter.tokenBucket().capacity(1_000_000_000L).refill(1, Duration.ofSeconds(1))
                .clock(clock).build();
        RateLimiter none = RateLimiter.tokenBucket().capacity(1).refill(1, Duration.ofHours(1)).clock(clock).build();
        none.tryAcquire();
        RateLimiter window = RateLimiter.fixedWindow().limit(1_000_000_000L, Duration.ofHours(1)).clock(clock).build();
        KeyedRateLimiter<String> keyed = KeyedRateLimiter.<String>builder(RateLimiter.tokenBucket()
                .capacity(1_000_000_000L).refill(1, Duration.ofSeconds(1)).config()).clock(clock).build();
        keyed.tryAcquire("known");
        // a few bytes of slack for the measurement itself; a per-call allocation would be ≥ 16 × 200,000
        assertThat(allocatedBy(plenty::tryAcquire, 200_000)).as("admit").isLessThan(1024);
        assertThat(allocatedBy(none::tryAcquire, 200_000)).as("refuse").isLessThan(1024);
        assertThat(allocatedBy(() -> none.tryAcquireOrRetryAfter(1) > 0, 200_000)).as("retry-after").isLessThan(1024);
        assertThat(allocatedBy(window::tryAcquire, 200_000)).as("fixed window").isLessThan(1024);
        assertThat(allocatedBy(() -> keyed.tryAcquire("known"), 200_000)).as("keyed, known key").isLessThan(1024);
    }
}
