package dev.resilience.ratelimit;

import dev.resilience.api.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** The tenants of a {@link FairShare}: each a one-{@code long} bucket that may borrow from idle ones. */
final class FairShareLimiter implements FairShare {

    private final Map<String, Tenant> tenants = new LinkedHashMap<>();
    private final Tenant[] all;

    FairShareLimiter(long permits, Duration period, long capacity, Map<String, Integer> weights, Clock clock) {
        long total = weights.values().stream().mapToLong(Integer::longValue).sum();
        for (Map.Entry<String, Integer> entry : weights.entrySet()) {
            int weight = entry.getValue();
            long burst = Math.max(1, capacity * weight / total);
            // The share's bandwidth: permits × weight per period × total; the burst plus two lendable
            // permits, so a lender below its cap keeps refilling between borrowers' visits.
            Bandwidth share = Bandwidth.of(burst + 2, permits * weight, period.multipliedBy(total));
            tenants.put(entry.getKey(), new Tenant(entry.getKey(), share, burst, clock, this));
        }
        this.all = tenants.values().toArray(new Tenant[0]);
    }

    @Override
    public RateLimiter tenant(String name) {
        Tenant tenant = tenants.get(name);
        if (tenant == null) {
            throw new IllegalArgumentException("name '" + name + "' is not a tenant; tenants are " + tenants.keySet());
        }
        return tenant;
    }

    @Override
    public Set<String> tenants() {
        return Collections.unmodifiableSet(tenants.keySet());
    }

    /** Borrows one permit from a tenant other than {@code borrower} whose bucket is full; true if one lent. */
    boolean borrow(Tenant borrower, long now) {
        for (Tenant lender : all) {
            if (lender != borrower && lender.lend(now)) {
                return true;
            }
        }
        return false;
    }

    /** One tenant: its own bucket, and the view others borrow through. */
    static final class Tenant extends AbstractLimiter {
        private final FairShareLimiter share;
        private final Gcra own;
        /** The same state seen by a borrower: a bucket lends while it holds more than its burst. */
        private final Gcra lendable;
        private final AtomicLong state;

        Tenant(String name, Bandwidth bandwidth, long burst, Clock clock, FairShareLimiter share) {
            super(name, new RateLimiterConfig.TokenBucket(List.of(bandwidth), Long.MAX_VALUE), clock, true, 0);
            this.share = share;
            this.own = new Gcra(bandwidth.intervalNanos(), bandwidth.capacity(), burst);
            this.lendable = new Gcra(bandwidth.intervalNanos(), 2, 1);
            this.state = new AtomicLong(own.initial(clock.nanoTime(), Long.MAX_VALUE));
        }

        @Override
        long reserve(int permits, long now, long maxWait) {
            own.checkPermits(permits);
            for (;;) {
                long current = state.get();
                long wait = own.waitNanos(current, permits, now);
                if (wait != 0 && wait > maxWait) {
                    if (permits == 1 && share.borrow(this, now)) {
                        return 0;
                    }
                    return ~wait;
                }
                if (state.compareAndSet(current, own.take(current, permits, now))) {
                    return wait;
                }
            }
        }

        boolean lend(long now) {
            for (;;) {
                long current = state.get();
                if (lendable.waitNanos(current, 1, now) != 0) {
                    return false;
                }
                if (state.compareAndSet(current, lendable.take(current, 1, now))) {
                    return true;
                }
            }
        }

        @Override
        long available(long now) {
            return Math.min(own.maxPermitsPerCall(), own.available(state.get(), now));
        }

        @Override
        void drain(long now) {
            state.getAndUpdate(current -> own.drained(current, now));
        }

        @Override
        void apply(RateLimiterConfig next, long now) {
            throw new IllegalArgumentException("config of a fair-share tenant cannot change alone; build a new FairShare");
        }
    }
}
