package dev.resilience.ratelimit;

import dev.resilience.api.internal.Checks;
import java.time.Duration;

/**
 * One limit of a bucket: at most {@code capacity} permits at once, refilled at {@code permits}
 * per {@code period}. A token bucket may hold several (10 per second <em>and</em> 1,000 per hour),
 * all enforced atomically.
 *
 * <pre>{@code
 * Bandwidth perSecond = Bandwidth.of(10, 10, Duration.ofSeconds(1));
 * }</pre>
 *
 * <p>The refill is kept as an emission interval of whole nanoseconds per permit, rounded
 * <em>up</em>, so rounding can only make the limiter stricter, never looser (3 per second admits
 * one permit every 333,333,334 ns).
 *
 * @param capacity the burst: permits a full bucket holds
 * @param permits permits refilled per period
 * @param period the refill period
 */
public record Bandwidth(long capacity, long permits, Duration period) {

    /** Validates the limit; see the class comment. */
    public Bandwidth {
        Checks.positive("capacity", capacity);
        Checks.positive("permits", permits);
        Checks.positive("period", period);
        long interval = intervalNanos(permits, period);
        if (interval < 1 || period.toNanos() / permits < 1) {
            throw new IllegalArgumentException("rate must be at most one permit per nanosecond but was "
                    + permits + " per " + period);
        }
        if (capacity > Gcra.MAX_TOLERANCE_NANOS / interval) {
            throw new IllegalArgumentException("capacity " + capacity + " at " + permits + " per " + period
                    + " would take longer than 73 years to refill; capacity must be at most "
                    + Gcra.MAX_TOLERANCE_NANOS / interval);
        }
    }

    /** A limit of {@code capacity} permits, refilled at {@code permits} per {@code period}. */
    public static Bandwidth of(long capacity, long permits, Duration period) {
        return new Bandwidth(capacity, permits, period);
    }

    /** Nanoseconds per permit, rounded up. */
    long intervalNanos() {
        return intervalNanos(permits, period);
    }

    private static long intervalNanos(long permits, Duration period) {
        long nanos = Checks.positive("period", period).toNanos();
        return nanos / permits + (nanos % permits == 0 ? 0 : 1);
    }
}
