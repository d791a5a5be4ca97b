package dev.resilience.ratelimit;

import dev.resilience.api.Clock;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A token bucket split into {@code S} stripes, each a GCRA with {@code capacity / S} permits
 * refilled at {@code rate / S}, each on its own cache line, so threads admitting on different
 * stripes never contend. A request takes from its thread's stripe, else from the first other
 * stripe that has the permits. Every stripe is at least as strict as its share, so the bucket's
 * bound still holds ({@code capacity + floor(t / T)} in any interval {@code t}); what changes is
 * that one request may ask for at most {@code capacity / S} permits.
 */
final class StripedLimiter extends AbstractLimiter {

    /** 16 longs = 128 bytes between stripes: no false sharing, even with adjacent-line prefetch. */
    private static final int SPACING = 16;

    private final int stripes;
    private final AtomicLongArray states;
    private volatile Gcra rule;

    StripedLimiter(String name, RateLimiterConfig.TokenBucket config, Clock clock, boolean countPermits) {
        super(name, config, clock, countPermits, 0);
        this.stripes = config.stripes();
        this.rule = stripe(config);
        this.states = new AtomicLongArray(stripes * SPACING);
        long now = clock.nanoTime();
        long initial = config.initialPermits() / stripes;
        for (int i = 0; i < stripes; i++) {
            states.set(i * SPACING, rule.initial(now, initial));
        }
    }

    /** One stripe's rule: the bucket's share, its interval rounded up (stricter, never looser). */
    private static Gcra stripe(RateLimiterConfig.TokenBucket config) {
        Bandwidth limit = config.limits().get(0);
        int stripes = config.stripes();
        return new Gcra(Math.multiplyExact(limit.intervalNanos(), stripes), limit.capacity() / stripes,
                limit.capacity() / stripes);
    }

    @Override
    long reserve(int permits, long now, long maxWait) {
        Gcra r = rule;
        r.checkPermits(permits);
        int home = (int) (Thread.currentThread().getId() % stripes);
        long soonest = Long.MAX_VALUE;
        for (int k = 0; k < stripes; k++) {
            int index = ((home + k) % stripes) * SPACING;
            for (;;) {
                long current = states.get(index);
                long wait = r.waitNanos(current, permits, now);
                if (wait != 0) {
                    soonest = Math.min(soonest, wait);
                    break;
                }
                if (states.compareAndSet(index, current, r.take(current, permits, now))) {
                    return 0;
                }
            }
        }
        if (soonest <= maxWait) {
            // Reserve on the stripe that frees up first.
            return reserveAhead(r, permits, now, maxWait);
        }
        return ~soonest;
    }

    private long reserveAhead(Gcra r, int permits, long now, long maxWait) {
        for (;;) {
            int best = 0;
            long bestWait = Long.MAX_VALUE;
            long bestState = 0;
            for (int i = 0; i < stripes; i++) {
                long current = states.get(i * SPACING);
                long wait = r.waitNanos(current, permits, now);
                if (wait < bestWait) {
                    best = i;
                    bestWait = wait;
                    bestState = current;
                }
            }
            if (bestWait > maxWait) {
                return ~bestWait;
            }
            if (states.compareAndSet(best * SPACING, bestState, r.take(bestState, permits, now))) {
                return bestWait;
            }
        }
    }

    @Override
    long available(long now) {
        Gcra r = rule;
        long sum = 0;
        for (int i = 0; i < stripes; i++) {
            sum += r.available(states.get(i * SPACING), now);
        }
        return sum;
    }

    @Override
    void drain(long now) {
        Gcra r = rule;
        for (int i = 0; i < stripes; i++) {
            int index = i * SPACING;
            states.getAndUpdate(index, current -> r.drained(current, now));
        }
    }

    @Override
    void apply(RateLimiterConfig next, long now) {
        RateLimiterConfig.TokenBucket config = (RateLimiterConfig.TokenBucket) next;
        if (config.limits().size() != 1 || config.stripes() != stripes) {
            throw new IllegalArgumentException("config must keep one limit and " + stripes + " stripes but was " + config);
        }
        Gcra old = rule;
        Gcra replacement = stripe(config);
        rule = replacement;
        for (int i = 0; i < stripes; i++) {
            states.getAndUpdate(i * SPACING, current -> replacement.convert(old, current, now));
        }
    }
}
