package dev.resilience.ratelimit;

/**
 * A snapshot of a limiter's counters.
 *
 * <pre>{@code
 * RateLimiterMetrics m = limiter.metrics();
 * gauge("limiter.available", m.availablePermits());
 * }</pre>
 *
 * @param permitted permits granted since creation (0 if counting is off)
 * @param rejected requests refused since creation (0 if counting is off)
 * @param waiting threads waiting for permits right now
 * @param availablePermits permits that could be taken now
 */
public record RateLimiterMetrics(long permitted, long rejected, int waiting, long availablePermits) {
}
