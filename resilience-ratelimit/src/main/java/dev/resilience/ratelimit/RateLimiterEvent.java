package dev.resilience.ratelimit;

/**
 * What a {@link RateLimiter} publishes to its listeners. Events are built only when someone
 * listens, so a limiter with no listener allocates nothing.
 *
 * <pre>{@code
 * limiter.subscribe(RateLimiterEvent.Rejected.class,
 *         r -> metrics.counter("rejected", "limiter", r.limiter()).increment());
 * }</pre>
 */
public sealed interface RateLimiterEvent {

    /** The name of the limiter that published the event. */
    String limiter();

    /**
     * A request was refused.
     *
     * @param limiter the limiter's name
     * @param permits the permits asked for
     * @param retryAfterNanos time until they would be available
     */
    record Rejected(String limiter, int permits, long retryAfterNanos) implements RateLimiterEvent {
    }

    /**
     * The configuration changed at runtime.
     *
     * @param limiter the limiter's name
     * @param from the old configuration
     * @param to the new configuration
     */
    record Reconfigured(String limiter, RateLimiterConfig from, RateLimiterConfig to) implements RateLimiterEvent {
    }

    /**
     * The manual switch changed.
     *
     * @param limiter the limiter's name
     * @param mode the new mode
     */
    record ModeChanged(String limiter, RateLimiter.Mode mode) implements RateLimiterEvent {
    }

    /**
     * The limiter was paused (for example after a downstream 429 with Retry-After).
     *
     * @param limiter the limiter's name
     * @param nanos how long it refuses every request
     */
    record Paused(String limiter, long nanos) implements RateLimiterEvent {
    }

    /**
     * Every available permit was removed.
     *
     * @param limiter the limiter's name
     */
    record Drained(String limiter) implements RateLimiterEvent {
    }

    /**
     * Redis could not be reached or did not answer in time; the configured failure policy decided.
     *
     * @param limiter the limiter's name
     * @param key the limited key
     * @param policy what the limiter did instead
     * @param cause the failure
     */
    record RedisUnavailable(String limiter, String key, RedisFailurePolicy policy, Throwable cause)
            implements RateLimiterEvent {
    }
}
