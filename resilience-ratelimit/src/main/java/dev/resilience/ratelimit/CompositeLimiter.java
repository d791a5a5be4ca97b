package dev.resilience.ratelimit;

import dev.resilience.api.Clock;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Several {@link LongRule}s enforced atomically (10 per second and 1,000 per hour): the states of
 * all of them in one immutable array swapped by one CAS, so a request takes from every limit or
 * from none. Admitting allocates that array; refusing allocates nothing.
 */
final class CompositeLimiter extends AbstractLimiter {

    private volatile LongRule[] rules;
    private final AtomicReference<long[]> states;

    CompositeLimiter(String name, RateLimiterConfig config, Clock clock, boolean countPermits, LongRule[] rules,
            long initialPermits) {
        super(name, config, clock, countPermits, 0);
        this.rules = rules;
        long now = clock.nanoTime();
        long[] initial = new long[rules.length];
        for (int i = 0; i < rules.length; i++) {
            initial[i] = rules[i].initial(now, initialPermits);
        }
        this.states = new AtomicReference<>(initial);
    }

    @Override
    long reserve(int permits, long now, long maxWait) {
        LongRule[] rs = rules;
        boolean reserves = true;
        for (LongRule r : rs) {
            r.checkPermits(permits);
            reserves &= r.reserves();
        }
        for (;;) {
            long[] current = states.get();
            long wait = 0;
            for (int i = 0; i < rs.length; i++) {
                wait = Math.max(wait, rs[i].waitNanos(current[i], permits, now));
            }
            if (wait != 0 && (wait > maxWait || !reserves)) {
                return ~wait;
            }
            long[] next = new long[rs.length];
            for (int i = 0; i < rs.length; i++) {
                next[i] = rs[i].take(current[i], permits, now);
            }
            if (states.compareAndSet(current, next)) {
                return wait;
            }
        }
    }

    @Override
    long available(long now) {
        LongRule[] rs = rules;
        long[] current = states.get();
        long min = Long.MAX_VALUE;
        for (int i = 0; i < rs.length; i++) {
            min = Math.min(min, rs[i].available(current[i], now));
        }
        return min;
    }

    @Override
    void drain(long now) {
        LongRule[] rs = rules;
        states.getAndUpdate(current -> {
            long[] next = new long[rs.length];
            for (int i = 0; i < rs.length; i++) {
                next[i] = rs[i].drained(current[i], now);
            }
            return next;
        });
    }

    @Override
    void apply(RateLimiterConfig next, long now) {
        LongRule[] old = rules;
        LongRule[] replacement = Limiters.rules(next, now);
        if (replacement.length != old.length) {
            throw new IllegalArgumentException("config must keep the limiter's " + old.length + " limits but has "
                    + replacement.length);
        }
        rules = replacement;
        states.getAndUpdate(current -> {
            long[] converted = new long[old.length];
            for (int i = 0; i < old.length; i++) {
                converted[i] = replacement[i].convert(old[i], current[i], now);
            }
            return converted;
        });
    }
}
