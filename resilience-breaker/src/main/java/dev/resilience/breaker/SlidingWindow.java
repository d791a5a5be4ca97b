package dev.resilience.breaker;

import dev.resilience.api.internal.Checks;
import java.time.Duration;

/**
 * The calls a {@link CircuitBreaker} judges: the last {@code size} calls ({@link Kind#COUNT}) or
 * the calls of the last {@code size} nanoseconds ({@link Kind#TIME}), kept in {@code buckets}
 * equal parts that leave the window one whole bucket at a time.
 *
 * <p>Calls are added to per-thread striped cells of running totals, and the window moves on at
 * bucket edges, so a plain success touches nothing shared. {@code countBased(n)} gives every call
 * its own bucket (up to {@value #MAX_BUCKETS}), an exact "last n calls", at no cost on the success
 * path (the edges successes pass are marked when a failure or slow call arrives); a count window
 * of 100 calls in 10 buckets would judge between 91 and 100 of the latest calls.
 * Calls that complete at the same moment on several threads may land in either of two adjacent
 * buckets.
 *
 * <pre>{@code
 * SlidingWindow lastHundred = SlidingWindow.countBased(100);          // exactly the last 100 calls
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
    /** The buckets of {@link #timeBased(Duration)}. */
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
     * Exactly the last {@code calls} calls: one bucket per call up to {@value #MAX_BUCKETS} calls,
     * beyond that the most buckets up to {@value #MAX_BUCKETS} that divide {@code calls} (so pick a
     * round size: a prime above {@value #MAX_BUCKETS} would get a single bucket).
     */
    public static SlidingWindow countBased(int calls) {
        Checks.positive("calls", calls);
        int buckets = Math.min(calls, MAX_BUCKETS);
        while (calls % buckets != 0) {
            buckets--;
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
