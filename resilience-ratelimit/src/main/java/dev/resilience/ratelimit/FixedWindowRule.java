package dev.resilience.ratelimit;

/**
 * A fixed window counter in one {@code long}: {@code windowIndex × (limit + 1) + used}, windows
 * aligned to the limiter's creation on the monotonic clock. {@code limit < window in nanoseconds}
 * (validated) keeps the product below 2^63 for the clock's whole range.
 *
 * <p>Guarantee: at most {@code limit} permits in each window {@code [origin + k·W, origin + (k+1)·W)};
 * as with every fixed window, up to {@code 2 × limit} in an interval of length {@code W} that
 * straddles a window edge.
 */
final class FixedWindowRule implements LongRule {

    private final long limit;
    private final long window;
    private final long origin;
    /**
     * The window index last computed, so a call inside it needs no 64-bit division (about 8 ns
     * here, a third of the whole admit). Any thread may write it; a reader checks that its
     * {@code now} lies in that window before using it, so a stale value only costs a division.
     */
    private volatile long lastIndex;

    FixedWindowRule(long limit, long window, long origin) {
        this.limit = limit;
        this.window = window;
        this.origin = origin;
    }

    private long index(long now) {
        long cached = lastIndex;
        long start = origin + cached * window;
        if (now >= start && now - start < window) {
            return cached;
        }
        long index = Math.floorDiv(now - origin, window);
        lastIndex = index;
        return index;
    }

    /**
     * The permits used in window {@code index}: none if the state is of an earlier window. A state
     * of a later window (another thread read the clock after this one and crossed the edge) reads
     * as more than the limit, so this caller is refused rather than moving the count back.
     */
    private long used(long state, long index) {
        long base = index * (limit + 1);
        return state >= base ? state - base : 0;
    }

    @Override
    public long initial(long now, long initialPermits) {
        return index(now) * (limit + 1) + (limit - Math.min(initialPermits, limit));
    }

    @Override
    public long waitNanos(long state, int permits, long now) {
        long index = index(now);
        return used(state, index) + permits <= limit ? 0 : origin + (index + 1) * window - now;
    }

    @Override
    public long take(long state, int permits, long now) {
        long index = index(now);
        return index * (limit + 1) + used(state, index) + permits;
    }

    @Override
    public boolean reserves() {
        return false;
    }

    @Override
    public long available(long state, long now) {
        return Math.max(0, limit - used(state, index(now)));
    }

    @Override
    public long drained(long state, long now) {
        return index(now) * (limit + 1) + limit;
    }

    @Override
    public long nanosToNeutral(long state, long now) {
        long index = index(now);
        return used(state, index) == 0 ? 0 : origin + (index + 1) * window - now;
    }

    @Override
    public long maxPermitsPerCall() {
        return limit;
    }

    @Override
    public long convert(LongRule old, long state, long now) {
        // The permits used in the current window stay used (limit = the old rule's largest call).
        long used = old.maxPermitsPerCall() - old.available(state, now);
        return initial(now, Math.max(0, limit - used));
    }
}
