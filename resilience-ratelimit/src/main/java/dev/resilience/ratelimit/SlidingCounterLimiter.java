package dev.resilience.ratelimit;

import dev.resilience.api.Clock;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A sliding window counter: {@code buckets} sub-windows, each counting the permits granted in it;
 * a request is admitted when the last {@code buckets} sub-windows (the current one included) hold
 * at most {@code limit - n}. The counts are an immutable snapshot swapped by one CAS, so it is
 * lock-free and exact under contention; memory is {@code 8 × buckets} bytes. Guarantee: at most
 * {@code limit} permits in any {@code buckets} consecutive sub-windows.
 */
final class SlidingCounterLimiter extends AbstractLimiter {

    /** The shape and counts, swapped together so a reconfiguration is atomic. */
    private static final class Counts {
        final long limit;
        final long width;
        final long origin;
        final long newest;
        final long[] counts;

        Counts(long limit, long width, long origin, long newest, long[] counts) {
            this.limit = limit;
            this.width = width;
            this.origin = origin;
            this.newest = newest;
            this.counts = counts;
        }

        long index(long now) {
            return Math.max(newest, Math.floorDiv(now - origin, width));
        }

        /** Permits granted in sub-window {@code index} (0 once it has rolled out of the ring). */
        long count(long index) {
            int buckets = counts.length;
            return index <= newest && index > newest - buckets ? counts[(int) Math.floorMod(index, (long) buckets)] : 0;
        }

        long used(long index) {
            long used = 0;
            for (long i = index - counts.length + 1; i <= index; i++) {
                used += count(i);
            }
            return used;
        }

        /** These counts moved to sub-window {@code index}, with {@code permits} added to it. */
        Counts plus(long index, long permits) {
            int buckets = counts.length;
            long[] next = new long[buckets];
            for (long i = index - buckets + 1; i <= index; i++) {
                next[(int) Math.floorMod(i, (long) buckets)] = count(i);
            }
            next[(int) Math.floorMod(index, (long) buckets)] += permits;
            return new Counts(limit, width, origin, index, next);
        }
    }

    private final AtomicReference<Counts> counts;

    SlidingCounterLimiter(String name, RateLimiterConfig.SlidingCounter config, Clock clock, boolean countPermits) {
        super(name, config, clock, countPermits, 0);
        this.counts = new AtomicReference<>(shape(config, clock.nanoTime()));
    }

    private static Counts shape(RateLimiterConfig.SlidingCounter config, long now) {
        return new Counts(config.limit(), config.window().toNanos() / config.buckets(), now, 0,
                new long[config.buckets()]);
    }

    @Override
    long reserve(int permits, long now, long maxWait) {
        for (;;) {
            Counts current = counts.get();
            Limiters.checkPermits(permits, current.limit, "the limit");
            long index = current.index(now);
            long used = current.used(index);
            if (used + permits > current.limit) {
                return ~retryAfter(current, index, used, permits, now);
            }
            if (counts.compareAndSet(current, current.plus(index, permits))) {
                return 0;
            }
        }
    }

    /** When enough of the oldest sub-windows have rolled out to make room. */
    private static long retryAfter(Counts current, long index, long used, int permits, long now) {
        long freed = 0;
        long first = index - current.counts.length + 1;
        long i = first;
        for (; used - freed + permits > current.limit; i++) {
            freed += current.count(i);
        }
        // Sub-window i-1 leaves the window when sub-window (i-1) + buckets begins.
        return current.origin + (i - 1 + current.counts.length) * current.width - now;
    }

    @Override
    long available(long now) {
        Counts current = counts.get();
        return current.limit - current.used(current.index(now));
    }

    @Override
    void drain(long now) {
        counts.getAndUpdate(current -> {
            long index = current.index(now);
            return current.plus(index, current.limit - current.used(index));
        });
    }

    @Override
    void apply(RateLimiterConfig next, long now) {
        Counts fresh = shape((RateLimiterConfig.SlidingCounter) next, now);
        counts.getAndUpdate(current -> {
            // The permits used in the window stay used, counted in the newest sub-window.
            long used = Math.min(fresh.limit, current.used(current.index(now)));
            return fresh.plus(fresh.index(now), used);
        });
    }
}
