package dev.resilience.ratelimit;

import dev.resilience.api.Clock;
import dev.resilience.api.EventSource;
import dev.resilience.api.Policy;
import dev.resilience.api.RateLimitedException;
import dev.resilience.api.Registry;
import java.time.Duration;

/**
 * Admits calls at a configured rate. Every algorithm sits behind this one interface and is made
 * by a builder; each states its guarantee as a bound in its builder's Javadoc.
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.tokenBucket()
 *         .name("search").capacity(200).refill(100, Duration.ofSeconds(1))
 *         .build();
 * long retryAfterNanos = limiter.tryAcquireOrRetryAfter(1);
 * if (retryAfterNanos > 0) {
 *     response.status(429).header("Retry-After", TimeUnit.NANOSECONDS.toSeconds(retryAfterNanos) + 1);
 * }
 * Quote quote = limiter.call(() -> client.quote(symbol));   // throws RateLimitedException when refused
 * }</pre>
 *
 * <p>All timing is on the injected {@link Clock}'s monotonic reading, so a wall-clock jump
 * changes no decision. The in-JVM token bucket, leaky bucket and fixed window decide with one CAS
 * on one {@code long} and allocate nothing. Thread-safe.
 */
public interface RateLimiter extends Policy, EventSource<RateLimiterEvent> {

    /** The manual switch. */
    enum Mode {
        /** Decisions follow the algorithm (the default). */
        ENFORCE,
        /** Every request is admitted and nothing is taken: for incidents and load tests. */
        BYPASS
    }

    /** A token bucket (GCRA): a burst {@code capacity} refilled at a rate; several limits may be combined. */
    static RateLimiterBuilder.Bucket tokenBucket() {
        return new RateLimiterBuilder.Bucket();
    }

    /**
     * A leaky bucket used as a meter: calls conform while the bucket, leaking at the rate, has room
     * for them. Mathematically the same as a token bucket (GCRA); named for those who think in leaks.
     */
    static RateLimiterBuilder.Bucket leakyBucket() {
        return new RateLimiterBuilder.Bucket();
    }

    /** A leaky bucket used as a queue: admitted calls are spaced evenly at the leak rate. */
    static RateLimiterBuilder.Pacer pacer() {
        return new RateLimiterBuilder.Pacer();
    }

    /** A fixed window counter. */
    static RateLimiterBuilder.Window fixedWindow() {
        return new RateLimiterBuilder.Window(RateLimiterBuilder.Window.Kind.FIXED);
    }

    /** An exact sliding log. */
    static RateLimiterBuilder.Window slidingLog() {
        return new RateLimiterBuilder.Window(RateLimiterBuilder.Window.Kind.LOG);
    }

    /** A sliding window counter over sub-window buckets. */
    static RateLimiterBuilder.Window slidingCounter() {
        return new RateLimiterBuilder.Window(RateLimiterBuilder.Window.Kind.COUNTER);
    }

    /** A smooth limiter that warms up after being idle. */
    static RateLimiterBuilder.WarmUp warmUp() {
        return new RateLimiterBuilder.WarmUp();
    }

    /** A limiter named {@code name} made from {@code config}, on the system clock. */
    static RateLimiter of(String name, RateLimiterConfig config) {
        return of(name, config, Clock.system());
    }

    /** A limiter named {@code name} made from {@code config}, on {@code clock}. */
    static RateLimiter of(String name, RateLimiterConfig config, Clock clock) {
        return Limiters.create(name, config, clock, true);
    }

    /**
     * A registry of named limiters made from shared configurations, each tenant or domain isolated.
     *
     * <pre>{@code
     * Registry<RateLimiter, RateLimiterConfig> limiters = RateLimiter.registry(defaults);
     * limiters.addConfig("partner", partnerConfig);
     * RateLimiter acme = limiters.get("acme", "partner");
     * }</pre>
     */
    static Registry<RateLimiter, RateLimiterConfig> registry(RateLimiterConfig defaultConfig) {
        return Registry.of(defaultConfig, RateLimiter::of);
    }

    /** The limiter's name, used in events and exceptions. */
    String name();

    /** Takes one permit if the limiter admits it now (a pacer may wait its turn). */
    default boolean tryAcquire() {
        return tryAcquire(1);
    }

    /**
     * Takes {@code permits} if the limiter admits them now; a pacer waits up to its maximum queue
     * delay.
     *
     * @throws IllegalArgumentException if {@code permits} is below 1 or above what the limiter
     *         can ever grant (its capacity)
     */
    boolean tryAcquire(int permits);

    /**
     * Takes {@code permits}, waiting at most {@code timeout} for them. A limiter that reserves
     * (token bucket, pacer, warm-up) reserves them only if they will be there within the timeout
     * and otherwise returns false at once; a window limiter sleeps until its window frees them,
     * if that is within the timeout. An interrupted wait returns false with the interrupt flag set.
     */
    boolean tryAcquire(int permits, Duration timeout);

    /**
     * Takes {@code permits}, waiting as long as needed.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    void acquire(int permits) throws InterruptedException;

    /**
     * Takes {@code permits} if admitted now and returns 0; otherwise takes nothing and returns
     * the exact nanoseconds until they would be available (for an HTTP {@code Retry-After}).
     * Allocation-free.
     */
    long tryAcquireOrRetryAfter(int permits);

    /**
     * Takes {@code permits} or throws.
     *
     * @throws RateLimitedException (code {@code RATE_LIMITED}, no stack trace) with the exact
     *         retry-after when refused
     */
    void acquireOrThrow(int permits);

    /** Permits that could be taken now. */
    long availablePermits();

    /** Removes every available permit; they come back at the configured rate. */
    void drain();

    /**
     * Refuses every request for {@code duration} (on top of the algorithm), reporting the time
     * left as their retry-after: for a downstream that answered 429 with {@code Retry-After}.
     *
     * <pre>{@code
     * if (response.status() == 429) {
     *     limiter.pause(Duration.ofSeconds(Long.parseLong(response.header("Retry-After"))));
     * }
     * }</pre>
     */
    void pause(Duration duration);

    /** The manual switch: {@link Mode#BYPASS} admits everything, {@link Mode#ENFORCE} limits again. */
    void mode(Mode mode);

    /** The current mode. */
    Mode mode();

    /** The current configuration. */
    RateLimiterConfig config();

    /**
     * Swaps in a configuration of the same algorithm without resetting what the limiter holds:
     * available permits stay available up to the new capacity (a token bucket keeps its tokens,
     * with their fraction; a window keeps the permits used in its current window; a sliding log
     * keeps its newest entries). A decision racing the swap may follow either configuration.
     *
     * @throws IllegalArgumentException if {@code config} is of another algorithm
     */
    void reconfigure(RateLimiterConfig config);

    /** A snapshot of the counters. */
    RateLimiterMetrics metrics();
}
