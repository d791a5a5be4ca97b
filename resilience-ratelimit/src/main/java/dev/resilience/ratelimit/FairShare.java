package dev.resilience.ratelimit;

import dev.resilience.api.Clock;
import dev.resilience.api.internal.Checks;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One capacity shared by named tenants with weights. Each tenant owns a token bucket refilled at
 * its weighted share of the rate, holding its share of the burst plus two lendable permits. A
 * tenant takes from its own bucket first; when that is empty it may borrow one permit from a
 * tenant whose bucket holds more than its burst (an idle tenant), so an idle share goes to the busy ones
 * (work-conserving), while a tenant asking within its weight always finds its own bucket intact:
 * borrowing never takes a lender below its own burst. A borrower scans the other tenants in the
 * order they were added, so with three or more tenants an idle share goes first-come, not by weight.
 *
 * <p>Guarantee: all tenants together receive at most {@code Σ(burstᵢ + 2 + floor(t / Tᵢ))} summed
 * over tenants in any interval {@code t}, that is about {@code capacity + 2 × tenants + rate × t}; each
 * tenant that keeps asking receives at least its share {@code rate × weight / Σweights}. Two
 * tenants weighted 3:1 that both flood get permits 3:1 (within 0.2% over 100 s in
 * {@code FairShareTest}); one alone gets the full rate.
 *
 * <pre>{@code
 * FairShare share = FairShare.builder().rate(1000, Duration.ofSeconds(1)).capacity(100)
 *         .tenant("gold", 3).tenant("free", 1).build();
 * RateLimiter gold = share.tenant("gold");
 * if (!gold.tryAcquire()) { ... }
 * }</pre>
 */
public interface FairShare {

    /** A builder for a fair share. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * The limiter of one tenant; it supports everything a {@link RateLimiter} does except
     * {@link RateLimiter#reconfigure} (the share is configured as a whole).
     *
     * @throws IllegalArgumentException if no tenant has that name
     */
    RateLimiter tenant(String name);

    /** The tenants' names, in the order they were added. */
    Set<String> tenants();

    /**
     * Configures a {@link FairShare}.
     */
    final class Builder {
        private long permits;
        private Duration period;
        private long capacity;
        private final Map<String, Integer> weights = new LinkedHashMap<>();
        private Clock clock = Clock.system();

        private Builder() {
        }

        /** The total rate shared by all tenants. */
        public Builder rate(long permits, Duration period) {
            this.permits = Checks.positive("permits", permits);
            this.period = Checks.positive("period", period);
            return this;
        }

        /** The total burst, split by weight (default: the rate's permits). */
        public Builder capacity(long capacity) {
            this.capacity = Checks.positive("capacity", capacity);
            return this;
        }

        /** Adds a tenant with a weight (its share is {@code weight / Σweights}). */
        public Builder tenant(String name, int weight) {
            Checks.notBlank("name", name);
            Checks.inRange("weight", weight, 1, 1_000_000);
            if (weights.putIfAbsent(name, weight) != null) {
                throw new IllegalArgumentException("tenant '" + name + "' is already added");
            }
            return this;
        }

        /** The clock every decision reads (default {@link Clock#system()}). */
        public Builder clock(Clock clock) {
            this.clock = Checks.notNull("clock", clock);
            return this;
        }

        /** The fair share. */
        public FairShare build() {
            if (period == null) {
                throw new IllegalArgumentException("rate must be set");
            }
            if (weights.isEmpty()) {
                throw new IllegalArgumentException("tenants must not be empty");
            }
            return new FairShareLimiter(permits, period, capacity == 0 ? permits : capacity, weights, clock);
        }
    }
}
