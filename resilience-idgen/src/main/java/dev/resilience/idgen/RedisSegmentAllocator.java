package dev.resilience.idgen;

import dev.resilience.api.Clock;
import dev.resilience.api.internal.Checks;
import io.lettuce.core.RedisClient;
import java.time.Duration;

/**
 * A {@link SegmentAllocator} on a Redis counter: each range is one {@code INCRBY} (in a Lua
 * script) on {@code <prefix>:{<name>}:segment}. The next range is fetched asynchronously once a
 * configured fraction of the current one is left (double buffering), and the step adapts to the
 * consumption rate so a range lasts about {@link Builder#segmentDuration(Duration)}.
 *
 * <pre>{@code
 * SegmentAllocator orders = RedisSegmentAllocator.builder(redisClient, "order-id")
 *         .step(1_000).maxStep(10_000_000)
 *         .prefetchWhenRemaining(0.9)            // fetch the next range after 10% of this one
 *         .segmentDuration(Duration.ofMinutes(1))
 *         .build();
 * long id = orders.nextId();
 * }</pre>
 *
 * <p>When Redis is down, the allocator serves the rest of the range it holds (and the prefetched
 * one, if any), then fails with {@link dev.resilience.api.ErrorCode#REDIS_UNAVAILABLE}; the next
 * call tries Redis again. Uniqueness rests on the counter: run Redis with persistence (AOF), as a
 * counter that restarts from zero would hand out ranges again.
 */
public final class RedisSegmentAllocator {

    private RedisSegmentAllocator() {
    }

    /** A builder of an allocator of the counter {@code name} on {@code client}. */
    public static Builder builder(RedisClient client, String name) {
        return new Builder(Checks.notNull("client", client), Checks.notBlank("name", name));
    }

    /**
     * The settings of an allocator.
     *
     * @param client the Redis client
     * @param key the counter key
     * @param startAfter the counter's value if it does not exist yet (the first id is one more)
     * @param step the first range size
     * @param minStep the smallest range size
     * @param maxStep the largest range size
     * @param prefetchWhenRemaining the fraction of a range left when the next one is fetched
     * @param segmentDuration how long a range should last; the step doubles or halves toward it
     * @param commandTimeout how long a fetch may take
     * @param clock the clock
     */
    record Settings(RedisClient client, String key, long startAfter, long step, long minStep, long maxStep,
            double prefetchWhenRemaining, Duration segmentDuration, Duration commandTimeout, Clock clock) {
    }

    /** Configures and builds an allocator. */
    public static final class Builder extends RedisBuilder<Builder> {
        private final RedisClient client;
        private final String name;
        private long startAfter;
        private long step = 1_000;
        private long minStep = -1;
        private long maxStep = 10_000_000;
        private double prefetchWhenRemaining = 0.9;
        private Duration segmentDuration = Duration.ofMinutes(1);

        @Override
        Builder self() {
            return this;
        }

        Builder(RedisClient client, String name) {
            this.client = client;
            this.name = RedisSupport.hashTagSafe("name", name);
        }

        /** The counter's value when it is first created (e.g. the last id of a table moved over); default 0. */
        public Builder startAfter(long startAfter) {
            this.startAfter = Checks.nonNegative("startAfter", startAfter);
            return this;
        }

        /** The first range size; default 1,000. */
        public Builder step(long step) {
            this.step = Checks.positive("step", step);
            return this;
        }

        /** The smallest range size the step may shrink to; default the first step. */
        public Builder minStep(long minStep) {
            this.minStep = Checks.positive("minStep", minStep);
            return this;
        }

        /** The largest range size the step may grow to; default 10,000,000. */
        public Builder maxStep(long maxStep) {
            this.maxStep = Checks.positive("maxStep", maxStep);
            return this;
        }

        /** The fraction of a range left when the next range is fetched, in (0, 1); default 0.9. */
        public Builder prefetchWhenRemaining(double fraction) {
            if (!(fraction > 0 && fraction < 1)) {
                throw new IllegalArgumentException("prefetchWhenRemaining must be between 0 and 1 (exclusive) but was "
                        + fraction);
            }
            this.prefetchWhenRemaining = fraction;
            return this;
        }

        /** How long a range should last; the step doubles or halves toward it. Default 1 minute. */
        public Builder segmentDuration(Duration duration) {
            this.segmentDuration = Checks.positive("segmentDuration", duration);
            return this;
        }

        /**
         * Validates, connects and fetches the first range.
         *
         * @throws IllegalArgumentException if the steps are inconsistent
         * @throws dev.resilience.api.ResilienceException {@code REDIS_UNAVAILABLE} if the first range cannot be fetched
         */
        public SegmentAllocator build() {
            long min = minStep < 0 ? Math.min(step, maxStep) : minStep;
            if (min > maxStep) {
                throw new IllegalArgumentException("minStep must not exceed maxStep " + maxStep + " but was " + min);
            }
            if (step < min || step > maxStep) {
                throw new IllegalArgumentException("step must be between minStep " + min + " and maxStep " + maxStep
                        + " but was " + step);
            }
            return new RedisSegments(new Settings(client, RedisSupport.base(keyPrefix, name) + "segment", startAfter, step, min,
                    maxStep, prefetchWhenRemaining, segmentDuration, commandTimeout, clock));
        }
    }
}
