package dev.resilience.ratelimit;

/**
 * What a Redis-backed limiter does when Redis is unreachable or too slow.
 *
 * <pre>{@code
 * RedisRateLimiter.tokenBucket(connection).onRedisFailure(RedisFailurePolicy.FAIL_CLOSED)...
 * }</pre>
 */
public enum RedisFailurePolicy {
    /** Admit the request: availability first, the limit is not enforced while Redis is down. */
    FAIL_OPEN,
    /** Refuse the request ({@code tryAcquire} is false; {@code call} throws {@code REDIS_UNAVAILABLE}). */
    FAIL_CLOSED,
    /** Ask a local, in-JVM limiter of the same configuration (each JVM then enforces the limit alone). */
    FALLBACK_LOCAL
}
