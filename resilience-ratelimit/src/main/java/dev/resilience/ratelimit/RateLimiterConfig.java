package dev.resilience.ratelimit;

import dev.resilience.api.internal.Checks;
import java.time.Duration;
import java.util.List;

/**
 * The immutable configuration of a {@link RateLimiter}, one record per algorithm, validated when
 * made. A builder makes one ({@code RateLimiter.tokenBucket()...config()}); a
 * {@link dev.resilience.api.Registry} shares them; {@link RateLimiter#reconfigure} swaps one in
 * while the limiter runs.
 *
 * <pre>{@code
 * RateLimiterConfig perUser = RateLimiter.tokenBucket().capacity(20).refill(10, Duration.ofSeconds(1)).config();
 * Registry<RateLimiter, RateLimiterConfig> limiters = RateLimiter.registry(perUser);
 * RateLimiter search = limiters.get("search");
 * }</pre>
 */
public sealed interface RateLimiterConfig {

    /**
     * A token bucket, and a leaky bucket used as a meter (the same algorithm): one or more
     * {@link Bandwidth}s enforced together.
     *
     * @param limits every limit, all enforced atomically
     * @param initialPermits permits each limit holds at start, capped at its capacity
     *        ({@link Long#MAX_VALUE}: start full; 0: start empty)
     * @param stripes 1, or the stripes of a single-limit in-JVM bucket split for many threads
     *        (see {@link RateLimiterBuilder.Bucket#stripes(int)})
     */
    record TokenBucket(List<Bandwidth> limits, long initialPermits, int stripes) implements RateLimiterConfig {
        /** Validates and copies the limits. */
        public TokenBucket {
            Checks.notNull("limits", limits);
            if (limits.isEmpty()) {
                throw new IllegalArgumentException("limits must not be empty");
            }
            limits = List.copyOf(limits);
            Checks.nonNegative("initialPermits", initialPermits);
            Checks.inRange("stripes", stripes, 1, 1024);
            if (stripes > 1 && (limits.size() != 1 || limits.get(0).capacity() < stripes)) {
                throw new IllegalArgumentException("stripes " + stripes + " need one limit with a capacity of at least "
                        + stripes + " but the limits are " + limits);
            }
        }

        /** An unstriped bucket. */
        public TokenBucket(List<Bandwidth> limits, long initialPermits) {
            this(limits, initialPermits, 1);
        }
    }

    /**
     * A leaky bucket used as a queue: admitted calls are spaced {@code period / permits} apart;
     * a call that would wait longer than {@code maxQueueDelay} is rejected at once.
     *
     * @param permits permits per period
     * @param period the period
     * @param maxQueueDelay the longest a call may wait for its turn
     */
    record Pacer(long permits, Duration period, Duration maxQueueDelay) implements RateLimiterConfig {
        /** Validates the pacer. */
        public Pacer {
            new Bandwidth(1, permits, period); // the rate must be one a bucket could keep
            Checks.nonNegative("maxQueueDelay", maxQueueDelay);
            if (maxQueueDelay.compareTo(Duration.ofNanos(Gcra.MAX_TOLERANCE_NANOS)) > 0) {
                throw new IllegalArgumentException("maxQueueDelay must be at most 73 years but was " + maxQueueDelay);
            }
        }
    }

    /**
     * A fixed window counter: {@code limit} permits per window, windows aligned to the
     * limiter's creation.
     *
     * @param limit permits per window
     * @param window the window length
     */
    record FixedWindow(long limit, Duration window) implements RateLimiterConfig {
        /** Validates the window. */
        public FixedWindow {
            checkWindow(limit, window);
        }
    }

    /**
     * An exact sliding log: at most {@code limit} permits in any window of this length; keeps
     * the time of each of the last {@code limit} permits.
     *
     * @param limit permits per sliding window (at most 16,777,216: the log holds one long each)
     * @param window the window length
     */
    record SlidingLog(long limit, Duration window) implements RateLimiterConfig {
        /** Validates the log. */
        public SlidingLog {
            checkWindow(limit, window);
            Checks.inRange("limit", limit, 1, 1 << 24);
        }
    }

    /**
     * A sliding window counter over {@code buckets} sub-windows of {@code window / buckets} each.
     *
     * @param limit permits per window of {@code buckets} consecutive sub-windows
     * @param window the window length (a whole number of nanoseconds per sub-window)
     * @param buckets sub-windows per window, 2 to 1,024
     */
    record SlidingCounter(long limit, Duration window, int buckets) implements RateLimiterConfig {
        /** Validates the counter. */
        public SlidingCounter {
            checkWindow(limit, window);
            Checks.inRange("buckets", buckets, 2, 1024);
            if (window.toNanos() % buckets != 0) {
                throw new IllegalArgumentException("window " + window + " must be a whole number of nanoseconds per bucket"
                        + " but does not divide by buckets " + buckets);
            }
        }
    }

    /**
     * A smooth limiter that ramps from {@code permits/period ÷ coldFactor} to the full rate over
     * {@code warmUp} of use after being idle, as Guava's {@code SmoothWarmingUp}.
     *
     * @param permits permits per period once warm
     * @param period the period
     * @param warmUp the time of saturated use to go from cold to the full rate (not zero)
     * @param coldFactor how much slower the cold rate is (at least 1; Guava uses 3)
     */
    record WarmUp(long permits, Duration period, Duration warmUp, double coldFactor) implements RateLimiterConfig {
        /** Validates the warm-up. */
        public WarmUp {
            new Bandwidth(1, permits, period); // the rate must be one a bucket could keep
            Checks.positive("warmUp", warmUp);
            Checks.atLeast("coldFactor", coldFactor, 1.0);
        }
    }

    private static void checkWindow(long limit, Duration window) {
        Checks.positive("limit", limit);
        Checks.positive("window", window);
        if (limit >= window.toNanos()) {
            throw new IllegalArgumentException("limit must be below one permit per nanosecond of the window but was "
                    + limit + " per " + window);
        }
    }
}
