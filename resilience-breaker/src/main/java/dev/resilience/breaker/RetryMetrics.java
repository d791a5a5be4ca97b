package dev.resilience.breaker;

/**
 * A retry's counters.
 *
 * <pre>{@code
 * RetryMetrics m = retry.metrics();
 * gauge("retry.exhausted", m.failedAfterRetries());
 * }</pre>
 *
 * @param succeededWithoutRetry calls that succeeded at the first attempt
 * @param succeededAfterRetries calls that succeeded after at least one retry
 * @param failedWithoutRetry calls that failed with an exception not to retry
 * @param failedAfterRetries calls that ran out of attempts or time
 * @param retries the retries made (attempts after the first)
 */
public record RetryMetrics(long succeededWithoutRetry, long succeededAfterRetries, long failedWithoutRetry,
        long failedAfterRetries, long retries) {
}
