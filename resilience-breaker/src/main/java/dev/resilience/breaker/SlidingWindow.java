package dev.resilience.breaker;

import dev.resilience.api.internal.Checks;
import java.time.Duration;

/**
 * The calls a {@link CircuitBreaker} judges: the last {@code size} calls ({@link Kind#COUNT}) or
 * the calls of the last {@code size} nanoseconds ({@link Kind#TIME}), kept in {@code buckets}
 * equal parts that leave the window one whole bucket at a time.
 *
 * <p>Calls are added to per-thread striped cells of running totals, and the window moves on at
 * bucket edges, so a plain success touches nothing shared. A count window of 100 calls in 10
 * buckets judges between 91 and 100 of the latest calls (all 100 when a bucket has just filled);
 * {@code countBased(n, n)} makes every call its own bucket, an exact "last n calls", at no cost on
 * the success path (the edges successes pass are marked when a failure or slow call arrives).
 * Calls that complete at the same moment on several threads may land in either of two adjacent
 * buckets.
 *
 * <pre>{@code
 * SlidingWindow lastHundred = SlidingWindow.countBased(100);          // 10 buckets of 10 calls
 * SlidingWindow lastMinute = SlidingWindow.timeBased(Duration.ofMinutes(1), 12); // 5 s buckets
 * }</pre>
 *
 * @param kind count- or time-based
 * @param size calls (count) or nanoseconds (time)
 * @param buckets how many parts the window moves in; {@code size} must be a multiple of it
 */
public record SlidingWindow(Kind kind, long size, int buckets) {

    /** The most buckets a window may have. */
    public static final int MAX_BUCKETS = 1_000;
    /** The buckets of {@link #countBased(int)} and {@link #timeBased(Duration)} when the size allows. */
    static final int DEFAULT_BUCKETS = 10;

    /** What the window counts. */
    public enum Kind {
        /** The last {@code size} calls. */
        COUNT,
        /** The calls of the last {@code size} nanoseconds. */
        TIME
    }

    /** Validates the window. */
    public SlidingWindow {
        Checks.notNull("kind", kind);
        Checks.positive("size", size);
        Checks.inRange("buckets", buckets, 1, MAX_BUCKETS);
        if (kind == Kind.COUNT) {
            Checks.inRange("size", size, 1, Integer.MAX_VALUE);
        }
        if (size % buckets != 0) {
            throw new IllegalArgumentException(
                    "size must be a multiple of buckets (" + buckets + ") but was " + size);
        }
    }

    /**
     * The last {@code calls} calls, in the most buckets up to 10 that divide {@code calls} (one
     * bucket per call when no such divisor but 1 exists and {@code calls <= MAX_BUCKETS}).
     */
    public static SlidingWindow countBased(int calls) {
        Checks.positive("calls", calls);
        int buckets = DEFAULT_BUCKETS;
        while (calls % buckets != 0) {
            buckets--;
        }
        if (buckets == 1 && calls <= MAX_BUCKETS) {
            buckets = calls;
        }
        return new SlidingWindow(Kind.COUNT, calls, buckets);
    }

    /** The last {@code calls} calls in {@code buckets} buckets ({@code buckets == calls} is exact). */
    public static SlidingWindow countBased(int calls, int buckets) {
        return new SlidingWindow(Kind.COUNT, calls, buckets);
    }

    /** The calls of the last {@code duration}, in 10 buckets. */
    public static SlidingWindow timeBased(Duration duration) {
        return timeBased(duration, DEFAULT_BUCKETS);
    }

    /** The calls of the last {@code duration}, in {@code buckets} buckets. */
    public static SlidingWindow timeBased(Duration duration, int buckets) {
        Checks.positive("duration", duration);
        long nanos = duration.toNanos();
        return new SlidingWindow(Kind.TIME, nanos - nanos % Math.max(1, buckets), buckets);
    }

    /** The size of one bucket: calls, or nanoseconds. */
    long bucketSize() {
        return size / buckets;
    }
}
