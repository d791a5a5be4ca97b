package dev.resilience.ratelimit;

import dev.resilience.api.Clock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A limiter whose state is one {@code long} driven by a {@link LongRule}: the token bucket, the
 * leaky bucket meter and pacer, the fixed window. A decision is one clock read, one volatile read
 * and, when it admits, one CAS; it allocates nothing.
 */
final class CellLimiter extends AbstractLimiter {

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(CellLimiter.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile LongRule rule;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile long state;

    CellLimiter(String name, RateLimiterConfig config, Clock clock, boolean countPermits, long defaultMaxWait,
            LongRule rule, long initialPermits) {
        super(name, config, clock, countPermits, defaultMaxWait);
        this.rule = rule;
        this.state = rule.initial(clock.nanoTime(), initialPermits);
    }

    @Override
    long reserve(int permits, long now, long maxWait) {
        LongRule r = rule;
        r.checkPermits(permits);
        for (;;) {
            long current = state;
            long wait = r.waitNanos(current, permits, now);
            if (wait != 0 && (wait > maxWait || !r.reserves())) {
                return ~wait;
            }
            if (STATE.compareAndSet(this, current, r.take(current, permits, now))) {
                return wait;
            }
        }
    }

    @Override
    long available(long now) {
        return rule.available(state, now);
    }

    @Override
    void drain(long now) {
        LongRule r = rule;
        for (long current = state; !STATE.compareAndSet(this, current, r.drained(current, now)); current = state) {
            // lost a race: drain the newer state
        }
    }

    @Override
    void apply(RateLimiterConfig next, long now) {
        LongRule old = rule;
        LongRule[] rules = Limiters.rules(next, now);
        if (rules.length != 1) {
            throw new IllegalArgumentException("config must keep the limiter's single limit but has " + rules.length);
        }
        LongRule replacement = rules[0];
        rule = replacement;
        for (long current = state; !STATE.compareAndSet(this, current, replacement.convert(old, current, now));
                current = state) {
            // lost a race with a decision: convert the newer state
        }
    }
}
