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

    FixedWindowRule(long limit, long window, long origin) {
        this.limit = limit;
        this.window = window;
        this.origin = origin;
    }

    private long index(long now) {
        return Math.floorDiv(now - origin, window);
    }

    private long used(long state, long index) {
        return state / (limit + 1) == index ? state % (limit + 1) : 0;
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
        return limit - used(state, index(now));
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
