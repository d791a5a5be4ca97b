package dev.resilience.ratelimit;

import dev.resilience.api.Clock;
import dev.resilience.api.internal.Checks;

/** Makes the limiter (and the one-{@code long} rules) a configuration describes. */
final class Limiters {

    private Limiters() {
    }

    /**
     * Rejects a request no limiter of this size could ever grant, naming the bound.
     *
     * @param bound what {@code max} is, e.g. "the capacity"
     */
    static void checkPermits(int permits, long max, String bound) {
        if (permits < 1 || permits > max) {
            throw new IllegalArgumentException("permits must be between 1 and " + max + " (" + bound + ") but was "
                    + permits);
        }
    }

    static AbstractLimiter create(String name, RateLimiterConfig config, Clock clock, boolean countPermits) {
        Checks.notNull("config", config);
        Checks.notNull("clock", clock);
        long now = clock.nanoTime();
        if (config instanceof RateLimiterConfig.SlidingLog) {
            return new SlidingLogLimiter(name, (RateLimiterConfig.SlidingLog) config, clock, countPermits);
        }
        if (config instanceof RateLimiterConfig.SlidingCounter) {
            return new SlidingCounterLimiter(name, (RateLimiterConfig.SlidingCounter) config, clock, countPermits);
        }
        if (config instanceof RateLimiterConfig.TokenBucket && ((RateLimiterConfig.TokenBucket) config).stripes() > 1) {
            return new StripedLimiter(name, (RateLimiterConfig.TokenBucket) config, clock, countPermits);
        }
        if (config instanceof RateLimiterConfig.WarmUp) {
            return new WarmUpLimiter(name, (RateLimiterConfig.WarmUp) config, clock, countPermits);
        }
        LongRule[] rules = rules(config, now);
        long initialPermits = config instanceof RateLimiterConfig.TokenBucket
                ? ((RateLimiterConfig.TokenBucket) config).initialPermits()
                : Long.MAX_VALUE;
        if (rules.length > 1) {
            return new CompositeLimiter(name, config, clock, countPermits, rules, initialPermits);
        }
        long defaultMaxWait = config instanceof RateLimiterConfig.Pacer
                ? ((RateLimiterConfig.Pacer) config).maxQueueDelay().toNanos()
                : 0;
        return new CellLimiter(name, config, clock, countPermits, defaultMaxWait, rules[0], initialPermits);
    }

    /**
     * The one-{@code long} rules of a token bucket (one per limit), a pacer or a fixed window
     * (aligned to {@code now}).
     *
     * @throws IllegalArgumentException for an algorithm whose state does not fit in a {@code long}
     */
    static LongRule[] rules(RateLimiterConfig config, long now) {
        if (config instanceof RateLimiterConfig.TokenBucket) {
            if (((RateLimiterConfig.TokenBucket) config).stripes() != 1) {
                throw new IllegalArgumentException("config must not be striped here (stripes are for one in-JVM bucket)"
                        + " but was " + config);
            }
            return ((RateLimiterConfig.TokenBucket) config).limits().stream().map(Gcra::of).toArray(LongRule[]::new);
        }
        if (config instanceof RateLimiterConfig.Pacer) {
            RateLimiterConfig.Pacer pacer = (RateLimiterConfig.Pacer) config;
            long interval = new Bandwidth(1, pacer.permits(), pacer.period()).intervalNanos();
            // A call of n permits occupies n slots: it may ask for as many as fit in the queue.
            return new LongRule[] {new Gcra(interval, 1, 1 + pacer.maxQueueDelay().toNanos() / interval)};
        }
        if (config instanceof RateLimiterConfig.FixedWindow) {
            RateLimiterConfig.FixedWindow window = (RateLimiterConfig.FixedWindow) config;
            return new LongRule[] {new FixedWindowRule(window.limit(), window.window().toNanos(), now)};
        }
        throw new IllegalArgumentException("config must be a token bucket, pacer or fixed window but was " + config);
    }
}
