package dev.resilience.lock;

/**
 * How much a Redis lock assumes about the servers, chosen explicitly when the client is built.
 *
 * <pre>{@code
 * LockClient locks = LockClient.redis("redis://primary:6379")
 *         .safety(SafetyLevel.REPLICATED).replicas(1)
 *         .build();
 * }</pre>
 */
public enum SafetyLevel {
    /**
     * One Redis master. Fastest: two round trips per acquire and release. Exclusion holds while
     * that master keeps its data; a failover to a replica that missed the lock, or a restart
     * without persistence, can let a second holder in (the lease of the first one is then
     * reported lost at its next renewal).
     */
    SINGLE_NODE,
    /**
     * After a successful acquire, {@code WAIT}s until the configured number of replicas has the
     * lock. On a short acknowledgement the lock is released again and the acquire fails
     * ({@code REDIS_UNAVAILABLE}): it fails closed, so a failover cannot lose a granted lock
     * that only the old master knew about. One extra round trip per acquire.
     */
    REPLICATED,
    /**
     * As {@link #REPLICATED} (when replicas are configured), and the fencing counter is kept
     * above the server's clock in microseconds, so tokens keep increasing even after a restart
     * or a failover lost the counter. Use it when the protected storage checks the token
     * (see {@link FencedStore}): that check, not the lock, is what makes a stale holder harmless.
     */
    FENCED
}
