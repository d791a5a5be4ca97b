/**
 * Rate limiters: token bucket (GCRA), leaky bucket as a meter and as a pacer, fixed window,
 * sliding log, sliding counter, warm-up, weighted fair sharing, keyed limiters and limiters whose
 * state lives in Redis.
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.tokenBucket()
 *         .capacity(200).refill(100, Duration.ofSeconds(1))
 *         .build();
 * long retryAfter = limiter.tryAcquireOrRetryAfter(1);   // 0 when admitted
 * }</pre>
 */
package dev.resilience.ratelimit;
