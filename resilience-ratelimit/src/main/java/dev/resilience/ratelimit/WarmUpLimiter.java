package dev.resilience.ratelimit;

import dev.resilience.api.Clock;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Guava's {@code SmoothWarmingUp} model on the injected clock. Idle time stores permits (up to
 * {@code maxPermits}, filling in {@code warmUp}); permits above {@code threshold} cost more, up to
 * {@code coldFactor ×} the stable interval, so an idle limiter starts slow and reaches the full
 * rate after {@code warmUp} of saturated use. Every permit costs at least the stable interval
 * (rounded up), the basis of the guarantee stated on its builder. A request is admitted when the
 * previous one's cost has been paid ({@code nextFree <= now}); its own cost delays the next.
 */
final class WarmUpLimiter extends AbstractLimiter {

    /** The curve and the state, swapped together so a reconfiguration is atomic. */
    private static final class State {
        final double stable;
        final double threshold;
        final double maxPermits;
        final double slope;
        final double coolDown;
        final double stored;
        final long nextFree;

        State(RateLimiterConfig.WarmUp config, double storedFraction, long nextFree) {
            double warmUp = config.warmUp().toNanos();
            this.stable = config.period().toNanos() / (double) config.permits();
            double cold = stable * config.coldFactor();
            this.threshold = 0.5 * warmUp / stable;
            this.maxPermits = threshold + 2.0 * warmUp / (stable + cold);
            this.slope = (cold - stable) / (maxPermits - threshold);
            this.coolDown = warmUp / maxPermits;
            this.stored = storedFraction * maxPermits;
            this.nextFree = nextFree;
        }

        private State(State shape, double stored, long nextFree) {
            this.stable = shape.stable;
            this.threshold = shape.threshold;
            this.maxPermits = shape.maxPermits;
            this.slope = shape.slope;
            this.coolDown = shape.coolDown;
            this.stored = stored;
            this.nextFree = nextFree;
        }

        /** Stored permits at {@code now}, with the idle time since {@code nextFree} added. */
        double storedAt(long now) {
            long idle = now - nextFree;
            return idle > 0 ? Math.min(maxPermits, stored + idle / coolDown) : stored;
        }

        /** The state after taking {@code permits} at {@code now}. */
        State take(int permits, long now) {
            double available = storedAt(now);
            double spend = Math.min(permits, available);
            double cost = storedCost(available, spend) + (permits - spend) * stable;
            long from = nextFree - now < 0 ? now : nextFree;
            return new State(this, available - spend, from + (long) Math.ceil(cost));
        }

        /** The integral of the cost curve over the {@code spend} stored permits taken from the top. */
        private double storedCost(double available, double spend) {
            double above = available - threshold;
            double cost = 0;
            if (above > 0) {
                double take = Math.min(above, spend);
                cost = take * (2 * stable + (2 * above - take) * slope) / 2;
                spend -= take;
            }
            return cost + spend * stable;
        }
    }

    private final AtomicReference<State> state;

    WarmUpLimiter(String name, RateLimiterConfig.WarmUp config, Clock clock, boolean countPermits) {
        super(name, config, clock, countPermits, 0);
        // Starts cold, as after a long idle spell.
        this.state = new AtomicReference<>(new State(config, 1.0, clock.nanoTime()));
    }

    @Override
    long reserve(int permits, long now, long maxWait) {
        Limiters.checkPermits(permits, Integer.MAX_VALUE, "any size");
        for (;;) {
            State current = state.get();
            long wait = Math.max(0, current.nextFree - now);
            if (wait > maxWait) {
                return ~wait;
            }
            if (state.compareAndSet(current, current.take(permits, now))) {
                return wait;
            }
        }
    }

    /** 1 when a request would be admitted now (of any size, as in Guava), else 0. */
    @Override
    long available(long now) {
        return state.get().nextFree - now <= 0 ? 1 : 0;
    }

    @Override
    void drain(long now) {
        state.getAndUpdate(current -> new State(current, 0,
                Math.max(current.nextFree, now + (long) Math.ceil(current.stable))));
    }

    @Override
    void apply(RateLimiterConfig next, long now) {
        RateLimiterConfig.WarmUp config = (RateLimiterConfig.WarmUp) next;
        // Stored permits keep their share of the curve; a pending cost stays pending.
        state.getAndUpdate(current -> new State(config, current.storedAt(now) / current.maxPermits,
                current.nextFree));
    }
}
