package dev.resilience.ratelimit;

import dev.resilience.api.Clock;
import dev.resilience.api.EventSource;
import dev.resilience.api.ResilienceException;
import dev.resilience.api.internal.Checks;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Limiters whose state lives in Redis, so a fleet of JVMs shares one limit per key: a token
 * bucket (GCRA, one hash per key) or an exact sliding log (one sorted set per key). Each decision
 * is exactly one round trip, one {@code EVALSHA} of a Lua script (falling back to {@code EVAL}
 * once when the server answers {@code NOSCRIPT}), never a client-side compare-and-swap loop. The
 * script reads the server's {@code TIME} in microseconds, so client clocks and their skew do not
 * matter. Keys are {@code prefix + "{" + key + "}"} (hash-tagged for Redis Cluster) and expire
 * once their state is neutral. The token bucket stores its configuration beside its state, so a
 * {@linkplain #reconfigure reconfiguration} carries the tokens over atomically inside the script.
 *
 * <p>When Redis is unreachable or slower than the timeout, the {@link RedisFailurePolicy}
 * decides, a {@link RateLimiterEvent.RedisUnavailable} is published, and no call waits longer than
 * the timeout. A script already sent when its decision timed out may still run when the server
 * answers again, spending its permits: a timeout errs on the strict side. Give the connection {@code ClientOptions.disconnectedBehavior(REJECT_COMMANDS)} so
 * commands fail at once while it is disconnected instead of queueing.
 *
 * <pre>{@code
 * RedisRateLimiter limiter = RedisRateLimiter.builder(connection,
 *                 RateLimiter.tokenBucket().capacity(100).refill(50, Duration.ofSeconds(1)).config())
 *         .keyPrefix("api:").timeout(Duration.ofMillis(50)).onRedisFailure(RedisFailurePolicy.FALLBACK_LOCAL)
 *         .build();
 * long retryAfterNanos = limiter.tryAcquireOrRetryAfter("tenant-42", 1);
 * limiter.tryAcquireAsync("tenant-42", 1).thenAccept(wait -> ...);
 * }</pre>
 *
 * <p>Guarantees: as the in-JVM token bucket ({@code capacity + floor(t / T)} in any interval
 * {@code t}, with {@code T} rounded up to a microsecond) and sliding log ({@code limit} in any
 * window), across every client, on the server's clock.
 */
public interface RedisRateLimiter extends EventSource<RateLimiterEvent> {

    /**
     * A builder for a Redis limiter of {@code config}: a single-limit {@link RateLimiterConfig.TokenBucket}
     * or a {@link RateLimiterConfig.SlidingLog}.
     */
    static Builder builder(StatefulRedisConnection<String, String> connection, RateLimiterConfig config) {
        return new Builder(connection, config);
    }

    /** Takes one permit for {@code key} if admitted now. */
    default boolean tryAcquire(String key) {
        return tryAcquire(key, 1);
    }

    /** Takes {@code permits} for {@code key} if admitted now (false when Redis is down and failing closed). */
    boolean tryAcquire(String key, int permits);

    /**
     * Takes {@code permits} for {@code key} and returns 0, or returns the exact nanoseconds until
     * they would be available (under {@link RedisFailurePolicy#FAIL_CLOSED}, the timeout while Redis
     * is unavailable).
     */
    long tryAcquireOrRetryAfter(String key, int permits);

    /** {@link #tryAcquireOrRetryAfter} without blocking: the stage completes with the retry-after. */
    CompletionStage<Long> tryAcquireAsync(String key, int permits);

    /**
     * Takes {@code permits} for {@code key} or throws.
     *
     * @throws dev.resilience.api.RateLimitedException when refused, with the exact retry-after
     * @throws ResilienceException with code {@code REDIS_UNAVAILABLE} when Redis is down and the
     *         policy is {@link RedisFailurePolicy#FAIL_CLOSED}
     */
    void acquireOrThrow(String key, int permits);

    /**
     * One key as a {@link RateLimiter}, so a Redis-backed limit gets everything an in-JVM one has:
     * the decorator contract ({@code call}, {@code Decorators}), the manual switch, pauses,
     * events, counters, a registry. Each decision is one round trip; a request that may wait
     * ({@code tryAcquire(permits, timeout)}) sleeps until the retry-after and asks again. While
     * Redis is unavailable and the policy fails closed, a request is refused with the timeout as
     * its retry-after. {@code availablePermits()} would need a round trip and answers -1;
     * {@code drain()} is not supported (use {@code pause}); {@code reconfigure} changes the
     * configuration of every key of this limiter.
     *
     * <pre>{@code
     * RateLimiter tenant = redisLimiter.forKey("tenant-42");
     * Quote quote = tenant.call(() -> client.quote(symbol));
     * }</pre>
     */
    RateLimiter forKey(String key);

    /** The current configuration. */
    RateLimiterConfig config();

    /**
     * Swaps in a configuration of the same algorithm; the next decision on each key applies it,
     * carrying the tokens a bucket holds over (up to the new capacity) inside the script.
     */
    void reconfigure(RateLimiterConfig config);

    /** Configures a {@link RedisRateLimiter}. */
    final class Builder {
        private final StatefulRedisConnection<String, String> connection;
        private final RateLimiterConfig config;
        private String name = "redis-rate-limiter";
        private String keyPrefix = "rl:";
        private Duration timeout = Duration.ofSeconds(1);
        private RedisFailurePolicy onRedisFailure = RedisFailurePolicy.FAIL_CLOSED;
        private Clock clock = Clock.system();

        private Builder(StatefulRedisConnection<String, String> connection, RateLimiterConfig config) {
            this.connection = Checks.notNull("connection", connection);
            this.config = RedisLimiter.check(config);
        }

        /** The name used in events and exceptions. */
        public Builder name(String name) {
            this.name = Checks.notBlank("name", name);
            return this;
        }

        /** Prefix of every key (default {@code "rl:"}). */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = Checks.notNull("keyPrefix", keyPrefix);
            return this;
        }

        /** The longest a decision waits for Redis before the failure policy decides (default 1 s). */
        public Builder timeout(Duration timeout) {
            this.timeout = Checks.positive("timeout", timeout);
            return this;
        }

        /** What to do when Redis is unreachable or too slow (default {@link RedisFailurePolicy#FAIL_CLOSED}). */
        public Builder onRedisFailure(RedisFailurePolicy policy) {
            this.onRedisFailure = Checks.notNull("policy", policy);
            return this;
        }

        /** The clock of the local fallback limiter (default {@link Clock#system()}). */
        public Builder clock(Clock clock) {
            this.clock = Checks.notNull("clock", clock);
            return this;
        }

        /** The limiter. */
        public RedisRateLimiter build() {
            return new RedisLimiter(name, connection, config, keyPrefix, timeout.toNanos(), onRedisFailure, clock);
        }
    }
}
