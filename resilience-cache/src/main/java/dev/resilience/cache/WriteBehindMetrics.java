package dev.resilience.cache;

/**
 * A snapshot of a write-behind buffer.
 *
 * <pre>{@code
 * WriteBehindMetrics m = cache.writeBehindMetrics();
 * if (m.lagNanos() > TimeUnit.SECONDS.toNanos(5)) alert("store is falling behind");
 * }</pre>
 *
 * @param pending keys with a write not yet in the store
 * @param lagNanos how long the oldest batch waiting to be written has waited; 0 when idle
 * @param written writes that reached the store
 * @param coalesced writes replaced by a later write to the same key before they were written
 * @param retried store calls that were retries after a failure
 * @param deadLettered writes given up and reported to the dead-letter listeners
 * @param rejected writes refused because the buffer was full
 * @param writtenThrough writes sent synchronously to the store because the buffer was full
 * @param storeCalls store calls made by the flusher (batches, retries and single writes)
 */
public record WriteBehindMetrics(long pending, long lagNanos, long written, long coalesced, long retried,
        long deadLettered, long rejected, long writtenThrough, long storeCalls) {
}
