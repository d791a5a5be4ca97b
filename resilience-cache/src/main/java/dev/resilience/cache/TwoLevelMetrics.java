package dev.resilience.cache;

/**
 * A snapshot of a {@link TwoLevelCache}'s counters.
 *
 * <pre>{@code
 * TwoLevelMetrics m = cache.metrics();
 * double remoteHitRate = (double) m.remoteHits() / (m.remoteHits() + m.remoteMisses());
 * }</pre>
 *
 * @param remoteHits local misses answered by Redis
 * @param remoteMisses local misses Redis did not have
 * @param storeLoads loads from the store (this JVM held the lease, or gave up waiting)
 * @param leaseWaits misses that waited for another JVM's load
 * @param fillsRejected loads not put in Redis because the key changed meanwhile
 * @param invalidationsReceived invalidation messages received (own included)
 * @param invalidationsIgnored messages older than the local copy
 * @param flushes times every local copy was dropped after a reconnect or a gap in a JVM's invalidations
 * @param redisErrors Redis calls that failed (reads fell back to the store)
 * @param maxInvalidationLagMillis the longest publication-to-receipt delay seen: the measured staleness
 */
public record TwoLevelMetrics(long remoteHits, long remoteMisses, long storeLoads, long leaseWaits,
        long fillsRejected, long invalidationsReceived, long invalidationsIgnored, long flushes, long redisErrors,
        long maxInvalidationLagMillis) {
}
